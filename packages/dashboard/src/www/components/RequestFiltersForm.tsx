import type { RequestKind, RequestState } from '@mixpanel-gdpr/service-client';
import { useEffect, useState } from 'preact/hooks';
import { REQUEST_STATES, stateLabel } from '../lib/format.js';
import { DUE_WINDOWS, type RequestFilters } from '../lib/requestFilters.js';

/** Typing settles for this long before the list is asked again. */
const SEARCH_DEBOUNCE_MS = 300;

/** Filters of the list; every change asks for the first page again. Nothing here goes into the URL. */
export function RequestFiltersForm({
  filters,
  projects,
  onChange,
}: {
  filters: RequestFilters;
  projects: readonly string[];
  onChange(filters: RequestFilters): void;
}) {
  const [ticket, setTicket] = useState(filters.ticket);
  useEffect(() => {
    if (ticket === filters.ticket) return;
    const timer = setTimeout(() => onChange({ ...filters, ticket }), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [ticket, filters, onChange]);
  const set = (patch: Partial<RequestFilters>) => onChange({ ...filters, ...patch });
  const toggleState = (state: RequestState, on: boolean) =>
    set({ states: on ? [...filters.states, state] : filters.states.filter((s) => s !== state) });

  return (
    <form class="filters" aria-label="Filter requests" onSubmit={(e) => e.preventDefault()}>
      <div class="field">
        <label for="filter-ticket">Ticket</label>
        <input
          id="filter-ticket"
          type="search"
          autocomplete="off"
          value={ticket}
          onInput={(e) => setTicket(e.currentTarget.value)}
        />
      </div>
      <fieldset class="field states">
        <legend>State</legend>
        {REQUEST_STATES.map((state) => (
          <label key={state} class="check">
            <input
              type="checkbox"
              checked={filters.states.includes(state)}
              onChange={(e) => toggleState(state, e.currentTarget.checked)}
            />
            {stateLabel(state)}
          </label>
        ))}
      </fieldset>
      <div class="field">
        <label for="filter-project">Project</label>
        <select id="filter-project" value={filters.project} onChange={(e) => set({ project: e.currentTarget.value })}>
          <option value="">All projects</option>
          {projects.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="filter-kind">Kind</label>
        <select
          id="filter-kind"
          value={filters.kind}
          onChange={(e) => set({ kind: e.currentTarget.value as RequestKind | '' })}
        >
          <option value="">Erasure and access</option>
          <option value="erasure">Erasure</option>
          <option value="access">Access</option>
        </select>
      </div>
      <div class="field">
        <label for="filter-due">Due</label>
        <select
          id="filter-due"
          value={String(filters.dueWithinDays)}
          onChange={(e) => set({ dueWithinDays: Number(e.currentTarget.value) })}
        >
          <option value="0">Any time</option>
          {DUE_WINDOWS.map((days) => (
            <option key={days} value={String(days)}>
              In the next {days} days
            </option>
          ))}
        </select>
      </div>
      <div class="field checks">
        <label class="check">
          <input
            type="checkbox"
            checked={filters.atRiskOrOverdue}
            onChange={(e) => set({ atRiskOrOverdue: e.currentTarget.checked })}
          />
          At risk or overdue only
        </label>
        <label class="check">
          <input
            type="checkbox"
            checked={filters.openOnly}
            onChange={(e) => set({ openOnly: e.currentTarget.checked })}
          />
          Open only
        </label>
      </div>
    </form>
  );
}
