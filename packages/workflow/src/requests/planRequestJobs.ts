import { ValidationError } from '@mixpanel-gdpr/client';
import type { Workflow } from '../createWorkflow.js';
import { REQUEST_DEFAULTS } from '../defaults.js';
import type { IdSource } from '../ids/normalizeIds.js';
import type { Ledger } from '../ledger/Ledger.js';
import type { JobState, LedgerState, RequestState } from '../ledger/LedgerState.js';
import type { JobKind, RequestReceived } from '../ledger/records.js';
import { jobProject } from './requestProgress.js';

export interface PlanOptions {
  /** Retrievals: where exports go (each under a folder named after its request). */
  exportDir?: string | undefined;
  /**
   * Access requests only: put many subjects in one retrieval task (for an
   * internal audit). Their exports then mix people, so it is never the default.
   */
  bulkAccess?: boolean | undefined;
  signal?: AbortSignal | undefined;
  /**
   * `planMissing` only: plan only requests recorded before this time (epoch
   * ms), so a process looking for stopped runs leaves alone the requests a
   * live run recorded a moment ago and is about to plan itself.
   */
  recordedBefore?: number | undefined;
}

export interface PlannedJob {
  project: string;
  jobId: string;
}

const JOB_KIND: Record<RequestState['kind'], JobKind> = { erasure: 'deletion', access: 'retrieval' };

/**
 * Plans the jobs of requests that list their ids: per project, one job per
 * kind and regulation. Erasures share batches (full batches spare the
 * 1 request/s budget), earliest due first; each access request gets batches
 * of its own, so each export belongs to one person (unless `bulkAccess`).
 */
export async function planRequestJobs(
  state: LedgerState,
  projects: ReadonlyMap<string, Workflow>,
  requests: readonly RequestState[],
  options: PlanOptions = {},
): Promise<PlannedJob[]> {
  const planned: PlannedJob[] = [];
  const byJob = new Map<string, { project: string; requests: RequestState[] }>();
  const sorted = [...requests].sort((a, b) => a.dueAt - b.dueAt || a.receivedAt - b.receivedAt);
  for (const request of sorted) {
    if (!request.ids) throw new ValidationError('requests', `request ${request.requestId} lists no ids to plan`);
    for (const project of request.projects) {
      // Planned already (a run stopped half-way plans only what it had not): never two jobs of one request in a project.
      if (hasJobIn(state, request, project)) continue;
      workflowOf(projects, project);
      const key = [project, request.kind, request.regulation, request.disclosureType ?? ''].join('\u0000');
      const group = byJob.get(key) ?? { project, requests: [] };
      group.requests.push(request);
      byJob.set(key, group);
    }
  }
  for (const { project, requests: group } of byJob.values()) {
    const first = group[0]!;
    const separate = first.kind === 'access' && !options.bulkAccess;
    const jobId = await workflowOf(projects, project).createJob(
      {
        kind: JOB_KIND[first.kind],
        complianceType: first.regulation,
        ...(first.disclosureType && { disclosureType: first.disclosureType }),
        ids: separate ? [] : group.flatMap((r) => r.ids!),
        ...(separate && { groups: group.map((r) => ({ requestId: r.requestId, ids: r.ids! })) }),
        ...(project !== REQUEST_DEFAULTS.defaultProject && { projectName: project }),
        requestIds: group.map((r) => r.requestId),
        ...(first.source && { source: first.source.name }),
        ...(options.exportDir && { exportDir: options.exportDir }),
      },
      { signal: options.signal },
    );
    planned.push({ project, jobId });
  }
  return planned;
}

/**
 * Plans the jobs of a request that is the whole of its jobs (one run, one
 * request): the first project's job reads `ids` (a stream, read once), the
 * others take the same ids from that job's batches.
 */
export async function planWholeRequest(
  ledger: Ledger,
  projects: ReadonlyMap<string, Workflow>,
  request: RequestReceived,
  ids: IdSource,
  options: PlanOptions & { sourceSha256?: (() => string | undefined) | undefined } = {},
): Promise<PlannedJob[]> {
  const planned: PlannedJob[] = [];
  let first: JobState | undefined;
  for (const project of request.projects) workflowOf(projects, project);
  for (const project of request.projects) {
    const jobId = await workflowOf(projects, project).createJob(
      {
        kind: JOB_KIND[request.kind],
        complianceType: request.regulation,
        ...(request.disclosureType && { disclosureType: request.disclosureType }),
        ids: first ? idsOf(ledger, first) : ids,
        ...(!first && options.sourceSha256 && { sourceSha256: options.sourceSha256 }),
        // Recorded with the first job's first batch: input without a valid id leaves no request behind.
        ...(!first && { precede: [request] }),
        ...(project !== REQUEST_DEFAULTS.defaultProject && { projectName: project }),
        requestIds: [request.requestId],
        ...(request.source && { source: request.source.name }),
        ...(options.exportDir && { exportDir: options.exportDir }),
      },
      { signal: options.signal },
    );
    first ??= ledger.state.jobs.get(jobId);
    planned.push({ project, jobId });
  }
  return planned;
}

/**
 * Plans, in the projects this process has, the jobs a request should have
 * and has not: a run stopped between recording its requests and planning
 * every project's jobs. A whole-job request takes its ids from a job it has.
 */
export async function planMissing(
  ledger: Ledger,
  projects: ReadonlyMap<string, Workflow>,
  options: PlanOptions = {},
): Promise<PlannedJob[]> {
  const state = ledger.state;
  const listed: RequestState[] = [];
  const planned: PlannedJob[] = [];
  for (const request of state.requests.values()) {
    if (options.recordedBefore !== undefined && request.recordedAt >= options.recordedBefore) continue;
    const missing = projectsWithoutJob(state, projects, request);
    if (missing.length === 0) continue;
    if (request.ids) {
      listed.push({ ...request, projects: missing });
      continue;
    }
    const first = request.jobIds.map((id) => state.jobs.get(id)!).find((j) => j.ingested);
    // No job with its ids: the run stopped before its first batch, and recorded nothing else of it.
    if (!first) continue;
    for (const project of missing) {
      const jobId = await workflowOf(projects, project).createJob(
        {
          kind: first.kind,
          complianceType: first.complianceType,
          ...(first.disclosureType && { disclosureType: first.disclosureType }),
          ids: idsOf(ledger, first),
          ...(project !== REQUEST_DEFAULTS.defaultProject && { projectName: project }),
          requestIds: [request.requestId],
          ...(first.source && { source: first.source }),
          ...(first.exportDir && { exportDir: first.exportDir }),
        },
        { signal: options.signal },
      );
      planned.push({ project, jobId });
    }
  }
  if (listed.length) planned.push(...(await planRequestJobs(state, projects, listed, options)));
  return planned;
}

/** The projects of this desk (`projects`) where `request` still needs its job; none once it is cancelled or purged. */
export function projectsWithoutJob(
  state: LedgerState,
  projects: ReadonlyMap<string, Workflow>,
  request: RequestState,
): string[] {
  if (request.cancelled || request.purgedAt !== undefined) return [];
  return request.projects.filter((p) => projects.has(p) && !hasJobIn(state, request, p));
}

function hasJobIn(state: LedgerState, request: RequestState, project: string): boolean {
  return request.jobIds.some((id) => {
    const job = state.jobs.get(id);
    return job !== undefined && jobProject(job) === project;
  });
}

/** The ids of a job as first planned (splits and 409 remainders hold the same ids again), read back a batch at a time. */
async function* idsOf(ledger: Ledger, job: JobState): AsyncGenerator<string[]> {
  for (const batch of job.batches.values())
    if (batch.parentBatchId === undefined) yield await ledger.batchIds(job.jobId, batch);
}

export function workflowOf(projects: ReadonlyMap<string, Workflow>, project: string): Workflow {
  const workflow = projects.get(project);
  if (!workflow)
    throw new ValidationError(
      'projects',
      `no project named ${JSON.stringify(project)} is configured (configured: ${[...projects.keys()].join(', ') || 'none'})`,
    );
  return workflow;
}
