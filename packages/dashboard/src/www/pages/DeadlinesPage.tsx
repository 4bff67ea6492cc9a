import type { DeadlinesView } from '@mixpanel-gdpr/service-client';
import type { ChartConfiguration } from 'chart.js';
import { useMemo } from 'preact/hooks';
import { ChartCanvas } from '../components/ChartCanvas.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { COLORS } from '../lib/charts.js';
import { formatCount } from '../lib/format.js';
import { useSignedIn } from '../lib/SessionContext.js';
import { useAsync } from '../lib/useAsync.js';
import { usePageTitle } from '../lib/usePageTitle.js';

const DAYS_SHOWN = 45;

/** Open requests by the day they fall due, over the next 45 days, at-risk ones stacked on top. */
export function DeadlinesPage() {
  usePageTitle('Deadlines');
  const { client } = useSignedIn();
  const view = useAsync<DeadlinesView>((signal) => client.getDeadlines({ days: DAYS_SHOWN }, { signal }), 'deadlines');
  const config = useMemo(() => view.value && chartOf(view.value), [view.value]);
  const value = view.value;
  return (
    <>
      <h1>Deadlines</h1>
      {view.status === 'failed' && <ErrorNotice error={view.error} />}
      {!value && view.status === 'loading' && <p aria-live="polite">Loading…</p>}
      {value && config && (
        <>
          <ul class="totals" aria-label="Open requests">
            <li class="total total-overdue">
              <span class="total-count">{formatCount(value.totals.overdue)}</span> overdue
            </li>
            <li class="total total-at-risk">
              <span class="total-count">{formatCount(value.totals.atRisk)}</span> at risk
            </li>
            <li class="total">
              <span class="total-count">{formatCount(value.totals.open)}</span> open
            </li>
            <li class="total">
              <span class="total-count">{formatCount(value.totals.later)}</span> due after {DAYS_SHOWN} days
            </li>
          </ul>
          <section aria-labelledby="due-heading">
            <h2 id="due-heading">
              Open requests due each day from {value.from} ({value.timeZone})
            </h2>
            <ChartCanvas config={config} label={summaryOf(value)} />
            <details>
              <summary>The numbers as a table</summary>
              <DeadlinesTable view={value} />
            </details>
          </section>
        </>
      )}
    </>
  );
}

function chartOf(view: DeadlinesView): ChartConfiguration {
  return {
    type: 'bar',
    data: {
      labels: view.days.map((d) => d.date.slice(5)),
      datasets: [
        { label: 'At risk', data: view.days.map((d) => d.atRisk), backgroundColor: COLORS.atRisk, stack: 'due' },
        {
          label: 'Not at risk',
          data: view.days.map((d) => d.open - d.atRisk),
          backgroundColor: COLORS.accent,
          stack: 'due',
        },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        x: { stacked: true, title: { display: true, text: 'Due date (month-day)' } },
        y: {
          stacked: true,
          beginAtZero: true,
          ticks: { precision: 0 },
          title: { display: true, text: 'Open requests' },
        },
      },
    },
  };
}

/** What the chart shows, in one sentence, for screen readers. */
function summaryOf(view: DeadlinesView): string {
  const due = view.days.reduce((n, d) => n + d.open, 0);
  const atRisk = view.days.reduce((n, d) => n + d.atRisk, 0);
  const busiest = view.days.reduce((a, b) => (b.open > a.open ? b : a), view.days[0] ?? { date: view.from, open: 0 });
  return (
    `Bar chart of open requests due each day of the next ${view.days.length} days: ${due} in all, ${atRisk} at risk` +
    (busiest.open > 0 ? `; the busiest day is ${busiest.date} with ${busiest.open}.` : '.')
  );
}

function DeadlinesTable({ view }: { view: DeadlinesView }) {
  return (
    <table>
      <caption>Open requests by due date</caption>
      <thead>
        <tr>
          <th scope="col">Due date</th>
          <th scope="col">Open</th>
          <th scope="col">At risk</th>
        </tr>
      </thead>
      <tbody>
        {view.days.map((d) => (
          <tr key={d.date}>
            <th scope="row">{d.date}</th>
            <td>{d.open}</td>
            <td>{d.atRisk}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
