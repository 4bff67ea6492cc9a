import type { ProgressEvent, RequestDesk } from '@mixpanel-gdpr/workflow';
import { Counter, Gauge, Registry } from 'prom-client';
import { serviceState } from './views/serviceState.js';

/** Mixpanel calls of one project in one hour: what the projects view plots against the 3,600/hour limit. */
export interface HourCounts {
  /** Epoch ms of the hour's start. */
  hour: number;
  submissions: number;
  polls: number;
  rateLimited: number;
}

const HOUR_MS = 3_600_000;
/** Hours kept per project: the projects view shows the last day. */
const HOURS_KEPT = 24;

/**
 * The service's Prometheus metrics. Request gauges are computed from the
 * store when scraped; Mixpanel calls are counted from the workflow's
 * progress events of this process (`observe`), per project and per hour.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly #hours = new Map<string, HourCounts[]>();
  readonly #calls: Counter<'project' | 'kind'>;
  readonly #rateLimited: Counter<'project'>;

  constructor(
    desk: RequestDesk,
    private readonly now: () => number,
  ) {
    const registers = [this.registry];
    this.#calls = new Counter({
      name: 'mixpanel_gdpr_mixpanel_requests_total',
      help: 'Requests sent to Mixpanel by this process, by project and kind (submission, poll).',
      labelNames: ['project', 'kind'],
      registers,
    });
    this.#rateLimited = new Counter({
      name: 'mixpanel_gdpr_mixpanel_rate_limited_total',
      help: 'Answers 429 from Mixpanel to this process, by project.',
      labelNames: ['project'],
      registers,
    });
    const hours = this.#hours;
    new Gauge({
      name: 'mixpanel_gdpr_requests',
      help: 'Requests in the store, by state.',
      labelNames: ['state'],
      registers,
      // One pass over the requests per scrape, shared by the request gauges registered after this one.
      collect() {
        const counts = { not_submitted: 0, submitted: 0, done: 0, failed: 0, cancelled: 0 };
        let risky = 0;
        let late = 0;
        let oldestAt = Number.POSITIVE_INFINITY;
        for (const view of desk.list()) {
          const state = serviceState(view.progress.stage);
          counts[state]++;
          if (view.health.atRisk) risky++;
          if (view.health.overdue) late++;
          if (state !== 'done' && state !== 'cancelled') oldestAt = Math.min(oldestAt, view.request.receivedAt);
        }
        for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
        atRisk.set(risky);
        overdue.set(late);
        oldest.set(Number.isFinite(oldestAt) ? Math.max(0, (now() - oldestAt) / 1000) : 0);
        for (const [project, kept] of hours) {
          const last = kept.at(-1);
          const total = last ? last.submissions + last.polls : 0;
          share.set({ project }, total ? last!.polls / total : 0);
        }
      },
    });
    const share = new Gauge({
      name: 'mixpanel_gdpr_poll_budget_share',
      help: "Share of this hour's Mixpanel requests spent on polls, by project (0 to 1).",
      labelNames: ['project'],
      registers,
    });
    const atRisk = new Gauge({
      name: 'mixpanel_gdpr_requests_at_risk',
      help: 'Open requests likely to miss their deadline.',
      registers,
    });
    const overdue = new Gauge({
      name: 'mixpanel_gdpr_requests_overdue',
      help: 'Open requests past their due date.',
      registers,
    });
    const oldest = new Gauge({
      name: 'mixpanel_gdpr_oldest_open_request_seconds',
      help: 'Age of the oldest request not done and not cancelled, in seconds (0 when none).',
      registers,
    });
  }

  /** Counts a workflow progress event of `project` (wire each project's `onProgress` here). */
  observe(project: string, event: ProgressEvent): void {
    const kind =
      event.type === 'batch' && (event.phase === 'submitted' || event.phase === 'unknown' || event.phase === 'conflict')
        ? 'submission'
        : event.type === 'task' || event.type === 'task-missing'
          ? 'poll'
          : event.type === 'rate-limited'
            ? 'rate-limited'
            : undefined;
    if (!kind) return;
    const hour = this.#hourOf(project);
    if (kind === 'rate-limited') {
      this.#rateLimited.inc({ project });
      hour.rateLimited++;
      return;
    }
    this.#calls.inc({ project, kind });
    if (kind === 'poll') hour.polls++;
    else hour.submissions++;
  }

  /** The last day's hours of a project's Mixpanel calls, oldest first (hours without calls left out). */
  hours(project: string): HourCounts[] {
    const since = this.now() - HOURS_KEPT * HOUR_MS;
    return (this.#hours.get(project) ?? []).filter((h) => h.hour >= since);
  }

  #hourOf(project: string): HourCounts {
    const hour = Math.floor(this.now() / HOUR_MS) * HOUR_MS;
    const hours = this.#hours.get(project) ?? [];
    this.#hours.set(project, hours);
    if (hours.at(-1)?.hour !== hour) {
      hours.push({ hour, submissions: 0, polls: 0, rateLimited: 0 });
      if (hours.length > HOURS_KEPT) hours.shift();
    }
    return hours.at(-1)!;
  }
}
