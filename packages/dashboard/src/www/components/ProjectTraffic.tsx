import type { ProjectsView } from '@mixpanel-gdpr/service-client';
import type { ChartConfiguration } from 'chart.js';
import { useMemo } from 'preact/hooks';
import { COLORS } from '../lib/charts.js';
import { durationText, formatCount, formatDateTime } from '../lib/format.js';
import { ChartCanvas } from './ChartCanvas.js';

type Project = ProjectsView['projects'][number];

/** Mixpanel's GDPR API allows this many requests per project per hour. */
const HOURLY_LIMIT = 3_600;

export function ProjectTraffic({ project, nowMs }: { project: Project; nowMs: number }) {
  const config = useMemo(() => chartOf(project), [project]);
  const sent = project.hours.reduce((n, h) => n + h.submissions + h.polls, 0);
  const polls = project.hours.reduce((n, h) => n + h.polls, 0);
  const limited = project.hours.reduce((n, h) => n + h.rateLimited, 0);
  const busiest = project.hours.reduce((n, h) => Math.max(n, h.submissions + h.polls), 0);
  const outstanding = Object.entries(project.outstandingTasks);
  const oldest = project.oldestRunningTask;
  const id = `project-${project.name}`;
  return (
    <section class="card" aria-labelledby={id}>
      <h2 id={id}>
        {project.name} <span class="muted">({project.region.toUpperCase()})</span>
      </h2>
      <dl class="facts">
        <dt>Last 24 hours</dt>
        <dd>
          {formatCount(sent)} requests sent, {formatCount(polls)} of them polls (
          {sent ? Math.round((polls / sent) * 100) : 0}%), {formatCount(limited)} answered 429
        </dd>
        <dt>Polls' share of the day's budget</dt>
        <dd>
          {((polls / (HOURLY_LIMIT * 24)) * 100).toFixed(1)}% of {formatCount(HOURLY_LIMIT * 24)}
        </dd>
        <dt>Busiest hour</dt>
        <dd>
          {formatCount(busiest)} of {formatCount(HOURLY_LIMIT)} allowed
        </dd>
        <dt>Outstanding tasks</dt>
        <dd>{outstanding.length ? outstanding.map(([status, n]) => `${status} ${n}`).join(', ') : 'none'}</dd>
        <dt>Oldest running task</dt>
        <dd>
          {oldest ? (
            <>
              <code>{oldest.taskId}</code> ({oldest.kind}, {oldest.status}), submitted{' '}
              {formatDateTime(oldest.submittedAt)}, {durationText(nowMs - Date.parse(oldest.submittedAt))} ago
            </>
          ) : (
            'none'
          )}
        </dd>
      </dl>
      <ChartCanvas
        config={config}
        label={`Stacked bar chart of requests sent to ${project.name} each hour of the last 24 hours (submissions, polls, 429s) against the limit of ${HOURLY_LIMIT} an hour: ${sent} sent, the busiest hour ${busiest}.`}
      />
    </section>
  );
}

function chartOf(project: Project): ChartConfiguration {
  const hours = project.hours;
  const hourLabel = (iso: string) =>
    new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  return {
    type: 'bar',
    data: {
      labels: hours.map((h) => hourLabel(h.hourStart)),
      datasets: [
        {
          label: 'Submissions',
          data: hours.map((h) => h.submissions),
          backgroundColor: COLORS.accent,
          stack: 'sent',
          order: 2,
        },
        { label: 'Polls', data: hours.map((h) => h.polls), backgroundColor: COLORS.polls, stack: 'sent', order: 2 },
        {
          label: '429 answers',
          data: hours.map((h) => h.rateLimited),
          backgroundColor: COLORS.overdue,
          stack: 'sent',
          order: 2,
        },
        {
          type: 'line',
          label: `Limit (${HOURLY_LIMIT}/hour)`,
          data: hours.map(() => HOURLY_LIMIT),
          borderColor: COLORS.limit,
          borderDash: [6, 4],
          borderWidth: 1.5,
          pointRadius: 0,
          order: 1,
        },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        x: { stacked: true, title: { display: true, text: 'Hour starting' } },
        y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'Requests' } },
      },
    },
  };
}
