import type { DeadlinesView, ProjectsView } from '@mixpanel-gdpr/service-client';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { RequestFiltersForm } from '../components/RequestFiltersForm.js';
import { RequestsTable } from '../components/RequestsTable.js';
import { formatCount } from '../lib/format.js';
import { DEFAULT_FILTERS, type RequestFilters, toQuery } from '../lib/requestFilters.js';
import { useSignedIn } from '../lib/SessionContext.js';
import { useAsync } from '../lib/useAsync.js';
import { usePageTitle } from '../lib/usePageTitle.js';

interface RequestsView {
  filters: RequestFilters;
  /** Cursors of the pages before this one and of this one (undefined: the first page). */
  cursors: Array<string | undefined>;
}

const MEMORY_KEY = 'requests';

/** At-risk and overdue counts, filters, and a page of requests at a time, earliest due first. */
export function RequestsPage() {
  usePageTitle('Requests');
  const { client, memory } = useSignedIn();
  const [view, setView] = useState<RequestsView>(
    () => (memory.get(MEMORY_KEY) as RequestsView | undefined) ?? { filters: DEFAULT_FILTERS, cursors: [undefined] },
  );
  useEffect(() => void memory.set(MEMORY_KEY, view), [memory, view]);

  const deadlines = useAsync<DeadlinesView>((signal) => client.getDeadlines({ days: 45 }, { signal }), 'deadlines');
  const projects = useAsync<ProjectsView>((signal) => client.listProjects({ signal }), 'projects');
  // The due window counts from the service's clock; the browser's is the fallback when the deadlines did not load.
  const [browserNowMs] = useState(() => Date.now());
  const nowMs = deadlines.value
    ? Date.parse(deadlines.value.generatedAt)
    : deadlines.status === 'failed' || view.filters.dueWithinDays === 0
      ? browserNowMs
      : undefined;
  const cursor = view.cursors.at(-1);
  const query = nowMs === undefined ? undefined : toQuery(view.filters, nowMs);
  const page = useAsync(
    (signal) =>
      query ? client.listRequests({ ...query, ...(cursor && { cursor }) }, { signal }) : new Promise<never>(() => {}),
    JSON.stringify([query, cursor]),
  );

  const setFilters = useCallback((filters: RequestFilters) => setView({ filters, cursors: [undefined] }), []);
  const totals = deadlines.value?.totals;
  return (
    <>
      <h1>Requests</h1>
      {deadlines.status === 'failed' && <ErrorNotice error={deadlines.error} action="Deadlines" />}
      {totals && (
        <ul class="totals" aria-label="Open requests">
          <li class="total total-overdue">
            <span class="total-count">{formatCount(totals.overdue)}</span> overdue
          </li>
          <li class="total total-at-risk">
            <span class="total-count">{formatCount(totals.atRisk)}</span> at risk
          </li>
          <li class="total">
            <span class="total-count">{formatCount(totals.open)}</span> open
          </li>
        </ul>
      )}
      <RequestFiltersForm
        filters={view.filters}
        projects={projects.value?.projects.map((p) => p.name) ?? []}
        onChange={setFilters}
      />
      {page.status === 'failed' && <ErrorNotice error={page.error} action="Requests" />}
      <RequestsTable items={page.value?.items} busy={page.status === 'loading'} />
      <nav class="pager" aria-label="Pages of requests">
        <button
          type="button"
          disabled={view.cursors.length < 2}
          onClick={() => setView({ ...view, cursors: view.cursors.slice(0, -1) })}
        >
          Previous page
        </button>
        <span aria-live="polite">Page {view.cursors.length}</span>
        <button
          type="button"
          disabled={page.status !== 'done' || !page.value.nextCursor}
          onClick={() =>
            page.value?.nextCursor && setView({ ...view, cursors: [...view.cursors, page.value.nextCursor] })
          }
        >
          Next page
        </button>
      </nav>
    </>
  );
}
