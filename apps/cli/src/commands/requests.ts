import type { RequestFilter, RequestKind, RequestStage, RequestView } from '@mixpanel-gdpr/workflow';
import { CliError } from '../CliError.js';
import type { GlobalOptions } from '../config.js';
import { EXIT } from '../exitCodes.js';
import { openSession } from '../openSession.js';
import { counted } from '../plural.js';

export interface RequestsOptions {
  atRisk?: boolean;
  overdue?: boolean;
  open?: boolean;
  check?: boolean;
  kind?: string;
  project?: string;
  state?: string;
  dueWithinDays?: string;
}

const STAGES: RequestStage[] = ['not submitted', 'submitted', 'done', 'failed', 'cancelled'];

/**
 * Lists requests, earliest due first, with their deadline and state. With
 * --check (for cron and alerting), exits 1 when any request is at risk or
 * overdue, and names them.
 */
export async function requests(o: RequestsOptions, globals: GlobalOptions): Promise<number> {
  if (o.kind !== undefined && !['erasure', 'access'].includes(o.kind))
    throw new CliError(`--kind must be erasure or access (got ${JSON.stringify(o.kind)})`);
  if (o.state !== undefined && !STAGES.includes(o.state as RequestStage))
    throw new CliError(
      `--state must be one of ${STAGES.map((s) => `"${s}"`).join(', ')} (got ${JSON.stringify(o.state)})`,
    );
  const within = o.dueWithinDays === undefined ? undefined : Number(o.dueWithinDays);
  if (within !== undefined && !(Number.isInteger(within) && within >= 0))
    throw new CliError(`--due-within-days must be a whole number of days (got ${JSON.stringify(o.dueWithinDays)})`);
  const session = await openSession(globals, { readOnly: true });
  try {
    const filter: RequestFilter = {
      kind: o.kind as RequestKind | undefined,
      project: o.project,
      stage: o.state as RequestStage | undefined,
      open: o.open,
      // --check looks at every request; the list it prints is those needing attention.
      atRisk: o.atRisk || o.check,
      overdue: o.overdue || o.check,
      dueBefore: within === undefined ? undefined : Date.now() + (within + 1) * 86_400_000,
    };
    const views = session.desk.list(filter);
    for (const view of views) show(session.view, view);
    if (views.length === 0) session.view.info(o.check ? 'no request is at risk or overdue' : 'no request matches');
    if (!o.check) return EXIT.ok;
    const overdue = views.filter((v) => v.health.overdue).length;
    const atRisk = views.filter((v) => v.health.atRisk).length;
    if (overdue + atRisk === 0) return EXIT.ok;
    session.view.info(`${counted(overdue, 'request')} overdue, ${atRisk} at risk`);
    return EXIT.someFailed;
  } finally {
    await session.close();
  }
}

function show(view: { result(json: object, human: string): void }, { request, progress, health }: RequestView): void {
  const flag = health.overdue ? 'OVERDUE' : health.atRisk ? 'AT RISK' : health.late ? 'late' : '';
  view.result(
    {
      type: 'request',
      requestId: request.requestId,
      ticket: request.ticket,
      kind: request.kind,
      regulation: request.regulation,
      receivedAt: new Date(request.receivedAt).toISOString(),
      dueDate: health.dueDate,
      extended: request.extension !== undefined,
      daysLeft: health.daysLeft,
      state: progress.stage,
      atRisk: health.atRisk,
      overdue: health.overdue,
      late: health.late,
      reasons: health.reasons,
      projects: progress.projects.map((p) => ({ project: p.project, state: p.stage, tasks: p.taskIds.length })),
    },
    [
      request.ticket.padEnd(14),
      request.kind.padEnd(7),
      request.regulation,
      new Date(request.receivedAt).toISOString().slice(0, 10),
      `due ${health.dueDate}${request.extension ? '*' : ' '}`,
      `${String(health.daysLeft).padStart(4)} d`,
      progress.stage.padEnd(13),
      flag.padEnd(7),
      health.reasons.join('; '),
    ].join('  '),
  );
}
