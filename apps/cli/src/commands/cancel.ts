import type { GlobalOptions } from '../config.js';
import { EXIT } from '../exitCodes.js';
import { openSession } from '../openSession.js';
import { counted } from '../plural.js';
import { known } from './followJobs.js';

/**
 * Cancels a deletion: no more batches; outstanding tasks are asked to cancel
 * (204 or 405, both recorded). A job with nothing left to cancel is left as
 * it is, and says so. Exit 0 either way: the ids not deleted are what was
 * asked for.
 */
export async function cancel(jobId: string, globals: GlobalOptions, signal: AbortSignal): Promise<number> {
  const session = await openSession(globals);
  try {
    const workflow = session.workflowFor(session.workflow.job(known(session, jobId))!);
    const result = await workflow.cancel(jobId, { signal });
    const { state, ids } = workflow.summary(jobId);
    // A request all of whose jobs are cancelled is cancelled: no longer at risk, and purgeable once its retention ends.
    if (!result.nothingToCancel) {
      const jobs = session.ledger.state.jobs;
      for (const requestId of session.workflow.job(jobId)!.requestIds ?? []) {
        const request = session.ledger.state.requests.get(requestId)!;
        if (request.jobIds.every((id) => jobs.get(id)?.cancelledAt !== undefined))
          await session.desk.cancel(request, `every job of the request was cancelled (last: ${jobId})`);
      }
    }
    const human = result.nothingToCancel
      ? `job ${jobId}: nothing to cancel: it is ${state}, with no batch left to send and no task that could still be cancelled. Nothing was recorded.`
      : `job ${jobId}: cancelled. ${counted(result.cancelled, 'task')} cancelled, ${result.tooLate} already started (too late to cancel); no further batch will be sent. ` +
        `${counted(ids.byOutcome.CANCELLED ?? 0, 'id')} will NOT be deleted (outcome CANCELLED in the report).`;
    session.view.result({ type: 'cancel', jobId, ...result }, human);
    return EXIT.ok;
  } finally {
    await session.close();
  }
}
