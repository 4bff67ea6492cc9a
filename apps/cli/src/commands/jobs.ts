import type { GlobalOptions } from '../config.js';
import { EXIT } from '../exitCodes.js';
import { openSession } from '../openSession.js';

/** Lists the ledger's jobs, newest first. Reads the ledger without locking it. */
export async function jobs(globals: GlobalOptions): Promise<number> {
  const session = await openSession(globals, { readOnly: true });
  try {
    const all = session.workflow.jobs().sort((a, b) => b.createdAt - a.createdAt);
    if (all.length === 0) session.view.info(`no jobs in ${session.config.ledgerPath}`);
    for (const job of all) {
      if (!job.ingested) {
        session.view.result({ type: 'job', jobId: job.jobId, kind: job.kind, ingested: false }, `${job.jobId}  ${job.kind.padEnd(9)}  stopped while reading ids (nothing sent)`);
        continue;
      }
      const s = session.workflow.summary(job.jobId);
      const outcomes = Object.entries(s.ids.byOutcome).map(([k, v]) => `${k} ${v}`).join(', ');
      session.view.result({ type: 'job', ...s }, `${s.jobId}  ${s.kind.padEnd(9)}  ${s.complianceType}  ${String(s.ids.valid).padStart(8)} ids  ${s.complete ? 'complete   ' : 'in progress'}  ${outcomes}`);
    }
    return EXIT.ok;
  } finally {
    await session.close();
  }
}
