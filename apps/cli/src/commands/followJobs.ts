import { AbortError, AuthenticationError, MixpanelGdprError, PermissionDeniedError } from '@mixpanel-gdpr/client';
import { describeProject, ProjectMismatchError, sameProject, TaskNotFoundError, type JobState, type JobSummary } from '@mixpanel-gdpr/workflow';
import { CliError } from '../CliError.js';
import { currentJob } from '../currentJob.js';
import type { GlobalOptions } from '../config.js';
import { EXIT } from '../exitCodes.js';
import { formatSummary, summaryExitCode } from '../formatSummary.js';
import { openSession, type Session } from '../openSession.js';

export type FollowMode = 'status' | 'watch' | 'resume';

/**
 * status: one bounded polling pass (cron-friendly). watch: send what is
 * unsent, then poll until every task has ended. resume: the same, after an
 * interruption. Without a job id, status and watch cover every unfinished
 * job of the current project; jobs of other projects are listed and left.
 */
export async function followJobs(mode: FollowMode, jobId: string | undefined, globals: GlobalOptions, signal: AbortSignal, wait = true): Promise<number> {
  const session = await openSession(globals);
  try {
    const jobs = jobId ? [jobOf(session, jobId)] : unfinishedJobsOfThisProject(session);
    if (jobs.length === 0) {
      session.view.info('no unfinished jobs in the ledger');
      return EXIT.ok;
    }
    const summaries: JobSummary[] = [];
    let incomplete = false;
    for (const job of jobs) {
      currentJob.id = job.jobId;
      if (job.cancelledAt !== undefined && mode !== 'status') {
        session.view.info(`job ${job.jobId} was cancelled on ${new Date(job.cancelledAt).toISOString()}: no batch will be sent; only its remaining tasks are followed`);
      }
      if (mode === 'status') incomplete = !(await statusPass(session, job, signal)) || incomplete;
      else {
        session.view.track(job, mode === 'resume' ? 'submitting' : 'waiting', () => session.workflow.progress(job.jobId));
        await session.workflow.run(job.jobId, { signal, wait: mode === 'watch' || wait });
      }
      summaries.push(session.workflow.summary(job.jobId));
    }
    session.view.stop();
    for (const s of summaries) session.view.result({ type: 'summary', ...s }, formatSummary(s, session.view));
    const code = Math.max(...summaries.map((s) => summaryExitCode(s, mode !== 'status' && wait)));
    return incomplete ? Math.max(code, EXIT.failed) : code;
  } finally {
    await session.close();
  }
}

/**
 * One pass over one job's tasks; false when some could not be polled this
 * time. A failure of this job alone is reported and the pass goes on to the
 * next job: one broken job must not starve a cron run of all the others.
 * Refused credentials, a 404 pointing at the wrong region, an interruption
 * or a failing ledger stop everything.
 */
async function statusPass(session: Session, job: JobState, signal: AbortSignal): Promise<boolean> {
  try {
    const { skipped } = await session.workflow.poll(job.jobId, { signal });
    for (const s of skipped) session.view.info(`job ${job.jobId}: task ${s.taskId} not polled this time: ${s.reason}`);
    return skipped.length === 0;
  } catch (error) {
    const stopsAll = !(error instanceof MixpanelGdprError) || error instanceof AbortError || error instanceof AuthenticationError || error instanceof PermissionDeniedError || error instanceof TaskNotFoundError || error instanceof ProjectMismatchError;
    if (stopsAll || signal.aborted) throw error;
    session.view.info(`job ${job.jobId}: this pass failed (${error.message}); going on with the other jobs`);
    return false;
  }
}

function unfinishedJobsOfThisProject(session: Session): JobState[] {
  const unfinished = session.workflow.jobs().filter((j) => j.ingested && !session.workflow.summary(j.jobId).complete);
  const current = session.project;
  if (!current) return unfinished;
  const others = unfinished.filter((j) => j.project && !sameProject(j.project, current));
  for (const j of others) session.view.info(`job ${j.jobId} belongs to another project (${describeProject(j.project!)}): left alone`);
  if (others.length > 0 && others.length === unfinished.length) {
    throw new CliError(`every unfinished job belongs to another project than this one (${describeProject(current)}): check the credentials, region and base URL`);
  }
  return unfinished.filter((j) => !others.includes(j));
}

export function known(session: Session, jobId: string): string {
  return jobOf(session, jobId).jobId;
}

function jobOf(session: Session, jobId: string): JobState {
  const job = session.workflow.jobs().find((j) => j.jobId === jobId);
  if (!job) throw new CliError(`no job ${JSON.stringify(jobId)} in ${session.config.ledgerPath} (see \`mixpanel-gdpr jobs\`)`);
  if (!job.ingested) throw new CliError(`job ${jobId} stopped while reading its ids, before sending anything: start it again`);
  return job;
}
