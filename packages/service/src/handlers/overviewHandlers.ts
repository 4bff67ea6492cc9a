import type { components } from '@mixpanel-gdpr/service-client/schema';
import { addCalendarDays, isTaskTerminal, jobProject, localDate } from '@mixpanel-gdpr/workflow';
import type { FastifyRequest } from 'fastify';
import { SERVICE_DEFAULTS } from '../defaults.js';
import type { ServiceContext } from '../ServiceContext.js';
import type { ServiceMetrics } from '../ServiceMetrics.js';

type ProjectTraffic = components['schemas']['ProjectTraffic'];
type DeadlinesView = components['schemas']['DeadlinesView'];

const iso = (ms: number) => new Date(ms).toISOString();
const HOUR_MS = 3_600_000;

/** The dashboard's two overviews: each project's traffic and tasks, and open requests by due date. */
export function overviewHandlers(ctx: ServiceContext, metrics: ServiceMetrics) {
  return {
    async listProjects() {
      const now = ctx.now();
      const projects: ProjectTraffic[] = ctx.projects.map((name) => {
        const outstanding: Record<string, number> = {};
        let oldest: ProjectTraffic['oldestRunningTask'] = null;
        let region = 'us';
        for (const job of ctx.ledger.state.jobs.values()) {
          if (jobProject(job) !== name) continue;
          region = job.project?.region ?? region;
          for (const task of job.tasks.values()) {
            if (isTaskTerminal(task)) continue;
            const status = task.status ?? 'SUBMITTED';
            outstanding[status] = (outstanding[status] ?? 0) + 1;
            if (!oldest || task.since < Date.parse(oldest.submittedAt))
              oldest = { taskId: task.taskId, kind: job.kind, status, submittedAt: iso(task.since) };
          }
        }
        // Every hour of the last day, the current one last, zeros included: a chart needs them all.
        const counted = new Map(metrics.hours(name).map((h) => [h.hour, h]));
        const current = Math.floor(now / HOUR_MS) * HOUR_MS;
        const hours = Array.from({ length: 24 }, (_, i) => {
          const hour = current - (23 - i) * HOUR_MS;
          const h = counted.get(hour);
          return {
            hourStart: iso(hour),
            submissions: h?.submissions ?? 0,
            polls: h?.polls ?? 0,
            rateLimited: h?.rateLimited ?? 0,
          };
        });
        return {
          name,
          region: region as ProjectTraffic['region'],
          hours,
          outstandingTasks: outstanding,
          oldestRunningTask: oldest,
        };
      });
      return { generatedAt: iso(now), projects };
    },

    async getDeadlines(req: FastifyRequest): Promise<DeadlinesView> {
      const days = (req.query as { days?: number }).days ?? SERVICE_DEFAULTS.deadlineDays;
      const now = ctx.now();
      const timeZone = ctx.desk.policy.timeZone;
      const from = localDate(now, timeZone);
      const last = addCalendarDays(from, days - 1);
      const byDate = new Map(
        Array.from({ length: days }, (_, i) => [addCalendarDays(from, i), { open: 0, atRisk: 0 }]),
      );
      const totals = { open: 0, atRisk: 0, overdue: 0, later: 0 };
      // Counted, not listed: no order needed, and each request's view is the desk's (kept until it changes).
      for (const request of ctx.ledger.state.requests.values()) {
        const view = ctx.desk.view(request);
        const { stage } = view.progress;
        if (stage === 'done' || stage === 'cancelled') continue;
        totals.open++;
        if (view.health.atRisk) totals.atRisk++;
        if (view.health.overdue) {
          totals.overdue++;
          continue;
        }
        // The due date in force, read in the service's time zone (a request keeps the zone it was filed in).
        const due = localDate(view.health.dueAt - 1, timeZone);
        if (due > last) {
          totals.later++;
          continue;
        }
        const day = byDate.get(due);
        if (!day) continue;
        day.open++;
        if (view.health.atRisk) day.atRisk++;
      }
      return {
        generatedAt: iso(now),
        timeZone,
        from,
        days: [...byDate].map(([date, counts]) => ({ date, ...counts })),
        totals,
      };
    },
  };
}
