import { CLIENT_DEFAULTS, ValidationError } from '@mixpanel-gdpr/client';
import type { Signalled, Workflow } from '../createWorkflow.js';
import type { IdSource } from '../ids/normalizeIds.js';
import type { Ledger } from '../ledger/Ledger.js';
import { type RequestState, ticketKey } from '../ledger/LedgerState.js';
import type { RequestKind } from '../ledger/records.js';
import type { JobSummary } from '../summarizeJob.js';
import { deadlineOf } from './deadlineOf.js';
import { endOfLocalDay } from './endOfLocalDay.js';
import { extensionAllowed } from './extensionAllowed.js';
import { localDate } from './localDate.js';
import type { NewRequest } from './NewRequest.js';
import {
  type PlannedJob,
  type PlanOptions,
  planMissing,
  planRequestJobs,
  planWholeRequest,
  workflowOf,
} from './planRequestJobs.js';
import {
  deadlineOptions,
  type RequestPolicy,
  type RequestPolicyOptions,
  resolveRequestPolicy,
} from './RequestPolicy.js';
import { type ReadyToPlan, readyToPlan } from './readyToPlan.js';
import { type ReceivedRequests, receiveRequests, requestRecords } from './receiveRequests.js';
import { nextHealthChange, type RequestHealth, requestHealth } from './requestHealth.js';
import { type RequestProgress, type RequestStage, requestProgress } from './requestProgress.js';

export interface RequestDeskOptions {
  ledger: Ledger;
  /** A workflow per project name, each with its own client and rate limiter. Read-only uses may give none. */
  projects?: ReadonlyMap<string, Workflow> | undefined;
  policy?: RequestPolicyOptions | undefined;
  /** @default CLIENT_DEFAULTS.now (Date.now) */
  now?: (() => number) | undefined;
}

/** A request as lists and alerts show it. */
export interface RequestView {
  request: RequestState;
  progress: RequestProgress;
  health: RequestHealth;
}

export interface RequestFilter {
  stage?: RequestStage | undefined;
  kind?: RequestKind | undefined;
  project?: string | undefined;
  /** Not done and not cancelled. */
  open?: boolean | undefined;
  atRisk?: boolean | undefined;
  overdue?: boolean | undefined;
  /** Due (the date in force) before this instant, epoch ms. */
  dueBefore?: number | undefined;
}

export interface ProjectRun {
  project: string;
  jobIds: string[];
  summaries: JobSummary[];
  /** Set when this project's run stopped on an error; the other projects went on. */
  error?: unknown;
}

/**
 * Data-subject requests over several Mixpanel projects: records them with
 * their legal due dates, plans their jobs (erasures sharing full batches,
 * each access request its own tasks), runs each project at its own pace,
 * and says where each request stands against its deadline.
 */
export interface RequestDesk {
  readonly policy: RequestPolicy;
  receive(requests: readonly NewRequest[]): Promise<ReceivedRequests>;
  /** Plans the jobs of requests that list their ids (in projects where they have none yet). */
  plan(requests: readonly RequestState[], options?: PlanOptions): Promise<PlannedJob[]>;
  /** Plans the jobs that requests lack in this desk's projects: a run that stopped half-way. */
  planMissing(options?: PlanOptions): Promise<PlannedJob[]>;
  /**
   * What a planning pass should plan now, requests filed one by one having
   * waited up to `windowMs` to share batches (see `readyToPlan`); undefined
   * when nothing is due. Cheap: a worker asks on every pass, then takes the
   * plan lock and calls `planReady`.
   */
  readyToPlan(windowMs: number): ReadyToPlan | undefined;
  /** Plans what `readyToPlan` found (requests planned meanwhile by another process are left alone). */
  planReady(ready: ReadyToPlan, options?: PlanOptions): Promise<PlannedJob[]>;
  /**
   * Records one request that is the whole of its jobs (one run, one
   * request) and plans them, reading `ids` once. The request is written
   * with its first job's first batch: an input without a valid id records
   * nothing. A ticket already recorded is refused.
   */
  receiveWhole(
    request: NewRequest,
    ids: IdSource,
    options?: PlanOptions & { sourceSha256?: (() => string | undefined) | undefined },
  ): Promise<{ request: RequestState; planned: PlannedJob[] }>;
  /**
   * Runs jobs: each project's in turn (earliest due first), the projects at
   * once; one project's failure does not stop another.
   */
  run(jobs: readonly PlannedJob[], options?: Signalled & { wait?: boolean | undefined }): Promise<ProjectRun[]>;
  /** By request id, or by ticket (with `kind` when both kinds use the ticket). */
  find(ref: string, kind?: RequestKind): RequestState;
  view(request: RequestState): RequestView;
  /** Earliest due first. */
  list(filter?: RequestFilter): RequestView[];
  /** Records the legal extension, where the law allows it; refuses otherwise, saying why. */
  extend(request: RequestState, reason: string): Promise<RequestView>;
  /** Cancels a request's record (not its tasks: cancel the jobs for that). */
  cancel(request: RequestState, reason: string): Promise<RequestView>;
  /** Jobs with requests, earliest due first (for `status` passes: the most urgent go first). */
  jobsByUrgency(jobIds: readonly string[]): string[];
}

export function createRequestDesk(options: RequestDeskOptions): RequestDesk {
  const { ledger } = options;
  const projects = options.projects ?? new Map<string, Workflow>();
  const now = options.now ?? CLIENT_DEFAULTS.now;
  const policy = resolveRequestPolicy(options.policy);
  const state = ledger.state;

  const jobsByUrgency = (jobIds: readonly string[]) => {
    const dueOf = (jobId: string) =>
      Math.min(
        ...(state.jobs.get(jobId)?.requestIds ?? []).map((id) => {
          const r = state.requests.get(id);
          return r ? (r.extension?.dueAt ?? r.dueAt) : Number.POSITIVE_INFINITY;
        }),
        Number.POSITIVE_INFINITY,
      );
    return [...jobIds].sort((a, b) => dueOf(a) - dueOf(b));
  };
  // A request's view is kept: its progress until a revision of the request or of its jobs moves, its health
  // (which depends on the time too) until then and until the next instant that can change it
  // (`nextHealthChange`, and the end of the local day for its days left). A listing of 100,000 requests
  // recomputes only what changed.
  const kept = new WeakMap<
    RequestState,
    { revision: number; progress: RequestProgress; health: RequestHealth; from: number; until: number }
  >();
  const dayEnds = new Map<string, number>();
  /** Requests with every job they need here (see `readyToPlan`). */
  const settled = new WeakSet<RequestState>();
  const viewOf = (request: RequestState): RequestView => {
    let revision = request.revision;
    for (const jobId of request.jobIds) revision += state.jobs.get(jobId)?.revision ?? 0;
    const t = now();
    const entry = kept.get(request);
    if (entry?.revision === revision && t >= entry.from && t < entry.until)
      return { request, progress: entry.progress, health: entry.health };
    const progress = entry?.revision === revision ? entry.progress : requestProgress(state, request);
    const health = requestHealth(request, progress, policy, t);
    const today = localDate(t, request.timeZone);
    const dayKey = `${request.timeZone} ${today}`;
    let dayEnd = dayEnds.get(dayKey);
    if (dayEnd === undefined) {
      if (dayEnds.size > 1_000) dayEnds.clear();
      dayEnd = endOfLocalDay(today, request.timeZone);
      dayEnds.set(dayKey, dayEnd);
    }
    const until = Math.min(dayEnd, nextHealthChange(request, progress, policy, t));
    kept.set(request, { revision, progress, health, from: t, until });
    return { request, progress, health };
  };

  return {
    policy,
    receive: (requests) => receiveRequests(ledger, requests, policy, now()),
    plan: (requests, planOptions) => planRequestJobs(state, projects, requests, planOptions),
    planMissing: (planOptions) => planMissing(ledger, projects, planOptions),
    readyToPlan: (windowMs) => readyToPlan(state, projects, now(), windowMs, (r) => viewOf(r).health.atRisk, settled),
    async planReady(ready, planOptions = {}) {
      const gathered = ready.gathered.filter((r) => r.jobIds.length === 0);
      return [
        ...(gathered.length ? await planRequestJobs(state, projects, gathered, planOptions) : []),
        ...(await planMissing(ledger, projects, { ...planOptions, recordedBefore: ready.recordedBefore })),
      ];
    },
    async receiveWhole(request, ids, planOptions) {
      const { records, known } = requestRecords(ledger, [{ ...request, ids: undefined }], policy, now());
      if (known.length)
        throw new ValidationError(
          'ticket',
          `${request.kind} ticket ${JSON.stringify(request.ticket)} is already recorded (${known[0]!.requestId}): give another`,
        );
      const planned = await planWholeRequest(ledger, projects, records[0]!, ids, planOptions);
      return { request: state.requests.get(records[0]!.requestId)!, planned };
    },
    async run(jobs, { signal, wait } = {}) {
      const byProject = new Map<string, string[]>();
      for (const { project, jobId } of jobs) byProject.set(project, [...(byProject.get(project) ?? []), jobId]);
      return Promise.all(
        [...byProject].map(async ([project, jobIds]): Promise<ProjectRun> => {
          const summaries: JobSummary[] = [];
          try {
            const workflow = workflowOf(projects, project);
            for (const jobId of jobsByUrgency(jobIds)) summaries.push(await workflow.run(jobId, { signal, wait }));
            return { project, jobIds, summaries };
          } catch (error) {
            if (signal?.aborted) throw error;
            return { project, jobIds, summaries, error };
          }
        }),
      );
    },
    find(ref, kind) {
      const byId = state.requests.get(ref);
      if (byId) return byId;
      const kinds: RequestKind[] = kind ? [kind] : ['erasure', 'access'];
      const found = kinds.flatMap((k) => state.tickets.get(ticketKey(k, ref)) ?? []);
      if (found.length === 1) return state.requests.get(found[0]!)!;
      if (found.length > 1)
        throw new ValidationError(
          'request',
          `ticket ${JSON.stringify(ref)} names an erasure and an access request: say which kind`,
        );
      throw new ValidationError(
        'request',
        `no request ${JSON.stringify(ref)} in the ledger (give a request id or a ticket)`,
      );
    },
    view: (request) => viewOf(request),
    list(filter = {}) {
      const views: RequestView[] = [];
      for (const request of state.requests.values()) {
        if (filter.kind && request.kind !== filter.kind) continue;
        if (filter.project && !request.projects.includes(filter.project)) continue;
        const view = viewOf(request);
        const { stage } = view.progress;
        if (filter.stage && stage !== filter.stage) continue;
        if (filter.open && (stage === 'done' || stage === 'cancelled')) continue;
        if (filter.dueBefore !== undefined && view.health.dueAt > filter.dueBefore) continue;
        // --at-risk and --overdue together list both.
        if (
          (filter.atRisk || filter.overdue) &&
          !((filter.atRisk && view.health.atRisk) || (filter.overdue && view.health.overdue))
        )
          continue;
        views.push(view);
      }
      return views.sort((a, b) => a.health.dueAt - b.health.dueAt || a.request.receivedAt - b.request.receivedAt);
    },
    async extend(request, reason) {
      if (typeof reason !== 'string' || reason.trim() === '')
        throw new ValidationError(
          'reason',
          'an extension needs a reason (the law asks for one, told to the data subject)',
        );
      const decision = extensionAllowed(
        request.regulation,
        { receivedAtMs: request.receivedAt, dueAt: request.dueAt, extended: request.extension !== undefined },
        now(),
      );
      if (!decision.allowed) throw new ValidationError('request', `${request.ticket}: ${decision.reason}`);
      const { extendedDueDate, extendedDueAt } = deadlineOf(
        request.regulation,
        request.receivedAt,
        request.timeZone,
        deadlineOptions(policy),
      );
      await ledger.append({
        type: 'request.extended',
        requestId: request.requestId,
        at: now(),
        reason: reason.trim(),
        dueDate: extendedDueDate,
        dueAt: extendedDueAt,
      });
      return viewOf(request);
    },
    async cancel(request, reason) {
      if (request.cancelled) return viewOf(request);
      await ledger.append({ type: 'request.cancelled', requestId: request.requestId, at: now(), reason });
      return viewOf(request);
    },
    jobsByUrgency,
  };
}
