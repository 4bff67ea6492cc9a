import type { GlobalOptions } from '../config.js';
import { EXIT } from '../exitCodes.js';
import { openSession } from '../openSession.js';
import { known } from './followJobs.js';

/** Cancels a deletion: no more batches; outstanding tasks are asked to cancel (204 or 405, both recorded). */
export async function cancel(jobId: string, globals: GlobalOptions, signal: AbortSignal): Promise<number> {
  const session = await openSession(globals);
  try {
    const result = await session.workflow.cancel(known(session, jobId), { signal });
    session.view.result({ type: 'cancel', jobId, ...result }, `job ${jobId}: ${result.cancelled} task(s) cancelled, ${result.tooLate} already started (too late to cancel); no further batch will be sent.`);
    return EXIT.ok;
  } finally {
    await session.close();
  }
}
