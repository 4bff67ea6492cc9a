import type { JobContext } from '../JobContext.js';
import type { JobState } from '../ledger/LedgerState.js';
import { sameProject } from './ProjectIdentity.js';
import { ProjectMismatchError } from './ProjectMismatchError.js';

/**
 * Refuses to send anything for a job bound to another project than the
 * client's. A job from before 0.2 (no identity recorded) or a client that
 * does not say which project it calls (a test double) cannot be checked:
 * those pass, and the first case is reported once as a warning.
 */
export function assertJobProject(ctx: JobContext, job: JobState): void {
  const current = ctx.client.project;
  if (!current) return;
  if (!job.project) {
    ctx.emit({
      type: 'warning',
      jobId: job.jobId,
      message: `job ${job.jobId} was created by an older version that did not record its project: check it belongs to this one before going on`,
    });
    return;
  }
  if (!sameProject(job.project, current)) throw new ProjectMismatchError(job.jobId, job.project, current);
}
