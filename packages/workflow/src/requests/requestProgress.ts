import { REQUEST_DEFAULTS } from '../defaults.js';
import type { IdOutcome } from '../IdOutcome.js';
import type { JobState, LedgerState, RequestState } from '../ledger/LedgerState.js';
import { batchGroups, type OutcomeGroup, outcomeGroups } from '../summarizeJob.js';

/**
 * Where a request stands at Mixpanel, in one project or over all of them:
 * `not submitted` (some id has no task yet), `submitted` (every id is in a
 * task, not all done), `done` (every task succeeded, every export fetched),
 * `failed` (a task or batch failed, or an export could not be fetched: a
 * person must look), `cancelled`.
 */
export type RequestStage = 'not submitted' | 'submitted' | 'done' | 'failed' | 'cancelled';

/** Least advanced first: the request's stage over all projects is the first any project is in. */
const STAGE_ORDER: RequestStage[] = ['cancelled', 'failed', 'not submitted', 'submitted', 'done'];

export interface ProjectProgress {
  project: string;
  stage: RequestStage;
  jobIds: string[];
  /** Valid ids of the request found in this project's jobs. */
  ids: number;
  byOutcome: Partial<Record<IdOutcome, number>>;
  taskIds: string[];
  /** When the last of its ids went into a task (epoch ms); set once every id is in one. */
  submittedAt?: number;
  /** When the last task ended (epoch ms); set once done. */
  doneAt?: number;
}

export interface RequestProgress {
  stage: RequestStage;
  projects: ProjectProgress[];
  submittedAt?: number;
  doneAt?: number;
}

const FAILED: ReadonlySet<IdOutcome> = new Set(['FAILURE', 'REVOKED', 'NOT_FOUND', 'CANCELLED']);

/** What the tasks holding a request's ids say of it, per project and over all. */
export function requestProgress(state: LedgerState, request: RequestState): RequestProgress {
  const projects = request.projects.map((project) => projectProgress(state, request, project));
  const stage = request.cancelled
    ? 'cancelled'
    : (STAGE_ORDER.find((s) => projects.some((p) => p.stage === s)) ?? 'not submitted');
  const times = (pick: (p: ProjectProgress) => number | undefined) => {
    const all = projects.map(pick);
    return all.every((t) => t !== undefined) && all.length ? Math.max(...(all as number[])) : undefined;
  };
  const submittedAt = times((p) => p.submittedAt);
  const doneAt = stage === 'done' ? times((p) => p.doneAt) : undefined;
  return {
    stage,
    projects,
    ...(submittedAt !== undefined && { submittedAt }),
    ...(doneAt !== undefined && { doneAt }),
  };
}

/**
 * The request's ids in one job, grouped by outcome: its own batches (when
 * the job gives each request batches of its own), its
 * listed ids (found through `batchOfId`, one group each), or (a whole-job
 * request) every group. Nothing is read from the store: a group names its
 * batch and how many of its ids it covers.
 */
export function requestGroups(request: RequestState, job: JobState): OutcomeGroup[] {
  if (job.requestBatches)
    return (job.requestBatches.get(request.requestId) ?? []).flatMap((b) => [...batchGroups(job, job.batches.get(b)!)]);
  if (!request.ids) return [...outcomeGroups(job)];
  const groups: OutcomeGroup[] = [];
  for (const id of new Set(request.ids)) {
    const batch = job.batchOfId?.get(id);
    if (batch === undefined) continue;
    for (const group of batchGroups(job, job.batches.get(batch)!))
      if (!group.ids || group.ids.includes(id)) groups.push({ ...group, count: 1, ids: [id] });
  }
  return groups;
}

export function jobProject(job: JobState): string {
  return job.projectName ?? REQUEST_DEFAULTS.defaultProject;
}

function projectProgress(state: LedgerState, request: RequestState, project: string): ProjectProgress {
  const jobs = request.jobIds.map((id) => state.jobs.get(id)!).filter((j) => jobProject(j) === project);
  const byOutcome: Partial<Record<IdOutcome, number>> = {};
  const taskIds = new Set<string>();
  let ids = 0;
  let waiting = false;
  let failed = false;
  let exportsPending = false;
  let submittedAt = 0;
  let doneAt = 0;
  for (const job of jobs) {
    for (const { row, count, batch } of requestGroups(request, job)) {
      ids += count;
      byOutcome[row.outcome] = (byOutcome[row.outcome] ?? 0) + count;
      for (const t of row.taskIds) taskIds.add(t);
      if (row.outcome === 'NOT_SUBMITTED') {
        if (batch.phase === 'failed') failed = true;
        else waiting = true;
      } else if (FAILED.has(row.outcome)) failed = true;
      if (row.submittedAt) submittedAt = Math.max(submittedAt, Date.parse(row.submittedAt));
      if (row.statusAt) doneAt = Math.max(doneAt, Date.parse(row.statusAt));
      if (job.kind === 'retrieval' && row.outcome === 'SUCCESS') {
        for (const t of row.taskIds) {
          const exported = job.tasks.get(t)?.export;
          if (!exported) exportsPending = true;
          else if ('error' in exported) failed = true;
          else doneAt = Math.max(doneAt, exported.at);
        }
      }
    }
  }
  const allSuccess = ids > 0 && byOutcome.SUCCESS === ids;
  const stage: RequestStage = failed
    ? 'failed'
    : waiting || ids === 0
      ? 'not submitted'
      : allSuccess && !exportsPending
        ? 'done'
        : 'submitted';
  return {
    project,
    stage,
    jobIds: jobs.map((j) => j.jobId),
    ids,
    byOutcome,
    taskIds: [...taskIds],
    ...(!waiting && ids > 0 && { submittedAt }),
    ...(stage === 'done' && { doneAt }),
  };
}
