import type { ListRequestsQuery, RequestKind, RequestState } from '@mixpanel-gdpr/service-client';

export const DUE_WINDOWS = [7, 14, 30, 45] as const;
export const PAGE_SIZE = 50;
const DAY_MS = 86_400_000;

export interface RequestFilters {
  states: RequestState[];
  project: string;
  kind: RequestKind | '';
  /** Days from now; 0 for any due date. */
  dueWithinDays: number;
  atRiskOrOverdue: boolean;
  openOnly: boolean;
  ticket: string;
}

export const DEFAULT_FILTERS: RequestFilters = {
  states: [],
  project: '',
  kind: '',
  dueWithinDays: 0,
  atRiskOrOverdue: false,
  openOnly: true,
  ticket: '',
};

/**
 * The list's query. `nowMs` is the service's clock (its deadlines view's
 * `generatedAt`), so that "due in 7 days" means what the service means.
 */
export function toQuery(filters: RequestFilters, nowMs: number): ListRequestsQuery {
  const ticket = filters.ticket.trim();
  return {
    limit: PAGE_SIZE,
    ...(filters.states.length > 0 && { state: filters.states }),
    ...(filters.project && { project: filters.project }),
    ...(filters.kind && { kind: filters.kind }),
    ...(filters.dueWithinDays > 0 && { dueBefore: new Date(nowMs + filters.dueWithinDays * DAY_MS).toISOString() }),
    // Both together list requests that are either (see listRequests in the spec).
    ...(filters.atRiskOrOverdue && { atRisk: true, overdue: true }),
    ...(filters.openOnly && { open: true }),
    ...(ticket && { ticket: ticket.slice(0, 200) }),
  };
}
