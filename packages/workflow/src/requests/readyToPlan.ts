import type { Workflow } from '../createWorkflow.js';
import { WORKFLOW_DEFAULTS } from '../defaults.js';
import type { LedgerState, RequestState } from '../ledger/LedgerState.js';
import { projectsWithoutJob } from './planRequestJobs.js';

/** What a planning pass should plan now (see `readyToPlan`). */
export interface ReadyToPlan {
  /** Requests filed one by one (the service) that are planned now, before their window ends: see `readyToPlan`. */
  gathered: RequestState[];
  /** Every request still without its jobs that was recorded before this instant (epoch ms) is planned too. */
  recordedBefore: number;
}

/**
 * Decides a planning pass. Requests filed one by one wait to be gathered
 * with others into full batches: a deletion task costs the same request,
 * and the same polls for weeks, for 1 id or 1,999. All those waiting are
 * planned together once the first has waited `windowMs`, or at once when
 * they fill a deletion batch or one of them is at risk (deadline
 * pressure). Requests a run recorded and did not plan (it stopped) are
 * planned once the window has passed. Undefined when nothing is due.
 * `settled` remembers requests with every job they need, so a pass over
 * 100,000 requests only looks at the new ones closely.
 */
export function readyToPlan(
  state: LedgerState,
  projects: ReadonlyMap<string, Workflow>,
  now: number,
  windowMs: number,
  atRisk: (request: RequestState) => boolean,
  settled: WeakSet<RequestState>,
): ReadyToPlan | undefined {
  const unplanned: RequestState[] = [];
  for (const r of state.requests.values()) {
    if (settled.has(r)) continue;
    if (projectsWithoutJob(state, projects, r).length > 0) unplanned.push(r);
    else settled.add(r);
  }
  if (unplanned.length === 0) return undefined;
  // Requests filed through the service wait here to share batches (nobody else plans them); a CLI run plans
  // its own at once, so only its leftovers after a crash are planned here, once the window has passed.
  const gathering = unplanned.filter((r) => r.intake && r.ids && r.jobIds.length === 0);
  const ids = gathering.reduce((n, r) => n + r.ids!.length, 0);
  const recordedBefore = now - windowMs;
  // When the first of them has waited the window, all of them go: a window sliding request by request would plan
  // them one at a time, each a window late.
  const due =
    ids >= WORKFLOW_DEFAULTS.deletionBatchSize ||
    gathering.some((r) => r.recordedAt < recordedBefore) ||
    gathering.some(atRisk);
  if (!due && !unplanned.some((r) => r.recordedAt < recordedBefore)) return undefined;
  return { gathered: due ? gathering : [], recordedBefore };
}
