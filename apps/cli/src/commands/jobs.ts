import { type JobState, type JobSummary, namedRequests } from '@mixpanel-gdpr/workflow';
import type { GlobalOptions } from '../config.js';
import { EXIT } from '../exitCodes.js';
import { openSession, type Session } from '../openSession.js';
import { counted, noun } from '../plural.js';
import { RECENT_DAYS } from './recentDays.js';

const RECENT_MS = RECENT_DAYS * 86_400_000;

/**
 * Lists the ledger's jobs, newest first: by default those unfinished and
 * those whose last change is under RECENT_DAYS old, so that a ledger of
 * years stays readable. Reads the ledger without locking it.
 */
export async function jobs(globals: GlobalOptions, { all = false }: { all?: boolean } = {}): Promise<number> {
  const session = await openSession(globals, { readOnly: true });
  try {
    const every = session.workflow.jobs().sort((a, b) => b.createdAt - a.createdAt);
    if (every.length === 0) session.view.info(`no jobs in ${session.config.ledgerPath}`);
    const since = Date.now() - RECENT_MS;
    let hidden = 0;
    for (const job of every) {
      const summary = job.ingested ? session.workflow.summary(job.jobId) : undefined;
      const finished = !summary || summary.complete;
      if (!all && finished && job.updatedAt < since) hidden++;
      else showJob(session, job, summary);
    }
    if (hidden)
      session.view.info(
        `${counted(hidden, 'job')} that ended more than ${RECENT_DAYS} days ago not shown: \`mixpanel-gdpr jobs --all\` lists every job`,
      );
    return EXIT.ok;
  } finally {
    await session.close();
  }
}

function showJob(session: Session, job: JobState, s: JobSummary | undefined): void {
  if (!s) {
    session.view.result(
      { type: 'job', jobId: job.jobId, kind: job.kind, ingested: false, state: 'not started' },
      `${job.jobId}  ${job.kind.padEnd(9)}  stopped while reading ids (nothing sent)`,
    );
    return;
  }
  const outcomes = Object.entries(s.ids.byOutcome)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const state = s.state === 'cancelled' && !s.complete ? 'cancelled (tasks running)' : s.state;
  session.view.result(
    { type: 'job', ...s },
    `${s.jobId}  ${s.kind.padEnd(9)}  ${s.complianceType}  ${String(s.ids.valid).padStart(8)} ${noun(s.ids.valid, 'id').padEnd(3)}  ${state.padEnd(25)}  ${outcomes}${s.projectName ? `  project ${s.projectName}` : ''}${s.requests ? `  requests ${namedRequests(s.requests, 3)}` : ''}`,
  );
}
