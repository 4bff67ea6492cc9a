import type { JobSummary } from '@mixpanel-gdpr/workflow';
import { CliError } from '../CliError.js';
import { currentJob } from '../currentJob.js';
import type { GlobalOptions } from '../config.js';
import { EXIT } from '../exitCodes.js';
import { formatSummary, summaryExitCode } from '../formatSummary.js';
import { openSession, type Session } from '../openSession.js';

export type FollowMode = 'status' | 'watch' | 'resume';

/**
 * status: one polling pass (cron-friendly). watch: poll until every task has
 * ended. resume: send what an interrupted job did not send, then watch.
 * Without a job id, status and watch cover every unfinished job.
 */
export async function followJobs(mode: FollowMode, jobId: string | undefined, globals: GlobalOptions, signal: AbortSignal, wait = true): Promise<number> {
  const session = await openSession(globals);
  try {
    const jobIds = jobId ? [known(session, jobId)] : session.workflow.jobs().filter((j) => j.ingested && !session.workflow.summary(j.jobId).complete).map((j) => j.jobId);
    if (jobIds.length === 0) {
      session.view.info('no unfinished jobs in the ledger');
      return EXIT.ok;
    }
    const summaries: JobSummary[] = [];
    for (const id of jobIds) {
      currentJob.id = id;
      const state = session.workflow.jobs().find((j) => j.jobId === id)!;
      if (mode === 'status') {
        await session.workflow.poll(id, { signal });
        summaries.push(session.workflow.summary(id));
        continue;
      }
      session.view.track(state, mode === 'resume' ? 'submitting' : 'waiting', () => session.workflow.progress(id));
      const waitToEnd = mode === 'watch' || wait;
      summaries.push(await session.workflow.run(id, { signal, wait: waitToEnd }));
    }
    session.view.stop();
    for (const s of summaries) session.view.result({ type: 'summary', ...s }, formatSummary(s, session.view));
    return Math.max(...summaries.map((s) => summaryExitCode(s, mode !== 'status' && wait)));
  } finally {
    await session.close();
  }
}

export function known(session: Session, jobId: string): string {
  const job = session.workflow.jobs().find((j) => j.jobId === jobId);
  if (!job) throw new CliError(`no job ${JSON.stringify(jobId)} in ${session.config.ledgerPath} (see \`mixpanel-gdpr jobs\`)`);
  if (!job.ingested) throw new CliError(`job ${jobId} stopped while reading its ids, before sending anything: start it again`);
  return jobId;
}
