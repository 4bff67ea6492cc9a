import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { parseComplianceType, parseDisclosureType } from '@mixpanel-gdpr/client';
import {
  createWorkflow,
  deadlineOf,
  type IdFileFormat,
  type InvalidId,
  type JobKind,
  MemoryLedger,
  type NewJob,
  type NewRequest,
  type PlannedJob,
  REQUEST_DEFAULTS,
  type RequestKind,
  type RequestState,
  readIdsWithDigest,
  resolveRequestPolicy,
  resolveWorkflowOptions,
  WORKFLOW_DEFAULTS,
} from '@mixpanel-gdpr/workflow';
import { CliError } from '../CliError.js';
import { type GlobalOptions, resolveConfig } from '../config.js';
import { currentJob } from '../currentJob.js';
import { errorCodeOf } from '../errorCodeOf.js';
import { ERROR_CODES } from '../errorCodes.js';
import { EXIT } from '../exitCodes.js';
import { formatSummary, summaryExitCode } from '../formatSummary.js';
import { offlineClient } from '../offlineClient.js';
import { openSession, type Session } from '../openSession.js';
import { ProgressView } from '../ProgressView.js';
import { counted, noun } from '../plural.js';
import { parseReceived, readRequests } from '../readRequests.js';
import { selectProjects } from '../selectProjects.js';
import type { ToolConfig } from '../ToolConfig.js';
import { withPlanLock } from '../withPlanLock.js';
import { claimJobs } from './followJobs.js';
import { WORKER_DEFAULTS } from './workerDefaults.js';

export interface StartOptions {
  ids: string;
  format?: string;
  column?: string;
  field?: string;
  compliance: string;
  disclosure?: string;
  out?: string;
  wait?: boolean;
  batchSize?: string;
  dataGroups?: string;
  requestColumn?: string;
  receivedColumn?: string;
  regulationColumn?: string;
  ticket?: string;
  received?: string;
  projects?: string;
  label?: string[];
  bulk?: boolean;
  enqueue?: boolean;
}

const REQUEST_KIND: Record<JobKind, RequestKind> = { deletion: 'erasure', retrieval: 'access' };

/**
 * `delete` and `retrieve`: read and check everything, record the requests
 * with their due dates, plan the jobs of every project, then send (unless
 * --dry-run). With request columns, each ticket of the file is a request and
 * erasures share batches; without, the run is one request, received now
 * (or at --received).
 */
export async function startJob(
  kind: JobKind,
  o: StartOptions,
  globals: GlobalOptions,
  signal: AbortSignal,
): Promise<number> {
  // A ValidationError anywhere here is bad input: bin.ts turns it into exit 2 before anything is sent.
  const complianceType = parseComplianceType(o.compliance.toUpperCase(), '--compliance');
  const disclosureType = parseDisclosureType(o.disclosure, complianceType, '--disclosure');
  const format = idFormat(o);
  const tunables = {
    ...(o.batchSize && {
      [kind === 'deletion' ? 'deletionBatchSize' : 'retrievalBatchSize']: integer(o.batchSize, '--batch-size'),
    }),
    ...(o.dataGroups && { dataGroups: integer(o.dataGroups, '--data-groups') }),
  };
  checkRequestFlags(o);
  if (o.enqueue && o.wait) throw new CliError('--enqueue leaves the jobs to the workers: it cannot --wait for them');
  if (o.ids !== '-' && (await stat(o.ids).catch(() => undefined))?.isDirectory())
    throw new CliError(`--ids must be a file of ids, or - for stdin (got the directory ${JSON.stringify(o.ids)})`);
  resolveWorkflowOptions(tunables);
  const config = await resolveConfig(globals);
  const policy = resolveRequestPolicy(config.requestPolicy);
  const projects = projectNames(o, config.tool);
  const labels = parseLabels(o.label);
  const source = o.ids === '-' ? 'stdin' : resolve(o.ids);
  const exportDir = o.out ? resolve(o.out) : undefined;
  const nowMs = Date.now();
  const fromFile = o.requestColumn
    ? await readRequests(
        o.ids,
        {
          format,
          idColumn: (o.column ?? o.field)!,
          requestColumn: o.requestColumn,
          receivedColumn: o.receivedColumn,
          regulationColumn: o.regulationColumn,
        },
        {
          kind: REQUEST_KIND[kind],
          regulation: complianceType,
          disclosureType,
          projects,
          labels,
          timeZone: policy.timeZone,
          nowMs,
        },
      )
    : undefined;
  if (globals.dryRun && fromFile) return dryRunRequests(fromFile.requests, config.json, policy.timeZone);
  const input = fromFile
    ? undefined
    : await readIdsWithDigest(o.ids, {
        format,
        ...(o.column && { column: o.column }),
        ...(o.field && { field: o.field }),
      });
  const job = {
    kind,
    complianceType,
    ...(disclosureType && { disclosureType }),
    ids: input?.ids ?? [],
    source,
    ...(exportDir && { exportDir }),
  };
  if (globals.dryRun) return dryRun(job, tunables, globals);
  const receivedAt = o.received ? parseReceived(o.received, policy.timeZone, '--received') : nowMs;

  const session = await openSession(globals, { tunables, projects });
  try {
    const { view, desk } = session;
    let planned: PlannedJob[] = [];
    let requests: RequestState[] = [];
    // Under the plan lock: a worker never plans these requests again while this run reads them.
    const plan = async () => {
      if (fromFile) {
        const received = await desk.receive(fromFile.requests);
        for (const known of received.known)
          view.info(`request ${known.ticket} is already recorded (${known.requestId}): left as it is`);
        requests = received.recorded;
        planned = requests.length ? await desk.plan(requests, { exportDir, bulkAccess: o.bulk, signal }) : [];
        // Requests of an earlier run of this file that stopped before planning every project get their jobs now.
        planned.push(...(await desk.planMissing({ exportDir, bulkAccess: o.bulk, signal, recordedBefore: nowMs })));
      } else {
        // A run without a ticket is still a request: named after its time, unique like a job id.
        const ticket =
          o.ticket ??
          `run-${new Date(nowMs).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}-${randomBytes(3).toString('hex')}`;
        const whole = await desk.receiveWhole(
          {
            ticket,
            kind: REQUEST_KIND[kind],
            regulation: complianceType,
            ...(disclosureType && { disclosureType }),
            receivedAt,
            projects,
            ...(labels && { labels }),
            source: { name: source },
          },
          job.ids,
          { exportDir, bulkAccess: o.bulk, signal, sourceSha256: input!.sha256 },
        );
        requests = [whole.request];
        planned = whole.planned;
      }
    };
    await withPlanLock(session, plan, { wait: true, leaseMs: WORKER_DEFAULTS.leaseMs, signal });
    if (fromFile && planned.length === 0) {
      view.info('every request of the file was already recorded: nothing new to send (follow them with `watch`)');
      return EXIT.ok;
    }
    currentJob.id = planned.length === 1 ? planned[0]!.jobId : undefined;
    for (const { project, jobId } of planned) {
      const state = session.workflow.job(jobId)!;
      const where = project === REQUEST_DEFAULTS.defaultProject ? '' : ` in project ${project}`;
      view.info(`job ${jobId}: ${kind} of ${counted(state.ingested!.valid, 'id')}${where}`);
      // One run: polls start as soon as the first tasks exist, in the slots submissions leave.
      view.track(jobId, () => session.workflowFor(state).progress(jobId));
    }
    if (o.enqueue) {
      view.stop();
      showRequests(session, requests);
      view.info(
        `${counted(planned.length, 'job')} planned and left to the workers (${planned.map((p) => p.jobId).join(', ')}): nothing was sent by this command`,
      );
      return EXIT.ok;
    }
    // One job, one runner: a cron `status` may have found the new jobs already (see claimJobs).
    const { locks } = await claimJobs(
      session,
      planned.map((p) => session.workflow.job(p.jobId)!),
      'start',
    );
    const release = () => Promise.all(locks.map((lock) => lock.release()));
    // Stopped while the locks were taken: a run given a signal aborted already would not notice (no 'abort' event comes).
    if (signal.aborted) await release().then(() => signal.throwIfAborted());
    const running = AbortSignal.any([signal, session.leaseLost.signal]);
    const runs = await desk.run(planned, { signal: running, wait: Boolean(o.wait) }).finally(release);
    view.stop();
    const first = session.workflow.job(planned[0]!.jobId)!;
    reportInvalid(first.ingested!.invalid, view);
    const codes = runs.flatMap((run) => run.summaries.map((s) => summaryExitCode(s, Boolean(o.wait))));
    const failed = runs.filter((r) => r.error !== undefined);
    // One project: its error is the command's, exactly as before projects existed.
    if (runs.length === 1 && failed.length === 1) throw failed[0]!.error;
    showRequests(session, requests);
    const one = planned.length === 1 ? planned[0]!.jobId : undefined;
    const next = o.wait
      ? `Report: mixpanel-gdpr report ${one ?? 'JOB'} --format md    Evidence: mixpanel-gdpr evidence ${requests.length === 1 ? requests[0]!.ticket : 'TICKET'}`
      : `All batches submitted. Follow it with: mixpanel-gdpr watch${one ? ` ${one}` : ''}   (or \`status${one ? ` ${one}` : ''}\` from cron)`;
    const summaries = runs.flatMap((run) => run.summaries);
    for (const summary of summaries) {
      const last = summary === summaries.at(-1);
      view.result({ type: 'summary', ...summary }, `${formatSummary(summary, view)}${last ? `\n\n${next}` : ''}`);
    }
    for (const run of failed) {
      const code = errorCodeOf(run.error);
      view.error(code, `project ${run.project}: ${(run.error as Error).message}`, { project: run.project });
      codes.push(ERROR_CODES[code].exitCode);
    }
    return Math.max(EXIT.ok, ...codes);
  } finally {
    await session.close();
  }
}

/** The requests just recorded, with their due dates and where they stand. */
function showRequests(session: Session, requests: readonly RequestState[]): void {
  const SHOWN = 20;
  for (const request of requests.slice(0, SHOWN)) {
    const { progress, health } = session.desk.view(request);
    session.view.result(
      {
        type: 'request',
        requestId: request.requestId,
        ticket: request.ticket,
        dueDate: health.dueDate,
        state: progress.stage,
      },
      `request ${request.ticket}: ${request.kind} under ${request.regulation}, received ${new Date(request.receivedAt).toISOString().slice(0, 10)}, due ${health.dueDate} (${health.daysLeft} days left): ${progress.stage}`,
    );
  }
  if (requests.length > SHOWN) session.view.info(`… and ${requests.length - SHOWN} more: mixpanel-gdpr requests`);
}

/** Request flags that need others, or exclude each other: refused before anything is read. */
function checkRequestFlags(o: StartOptions): void {
  for (const [flag, value] of [
    ['--received-column', o.receivedColumn],
    ['--regulation-column', o.regulationColumn],
  ] as const)
    if (value !== undefined && o.requestColumn === undefined)
      throw new CliError(`${flag} needs --request-column (the column that names each row's request)`);
  if (o.requestColumn !== undefined && (o.ticket !== undefined || o.received !== undefined))
    throw new CliError(
      `--ticket and --received name the one request of a run; with --request-column each row names its own (use --received-column)`,
    );
  if (o.requestColumn !== undefined && !o.column && !o.field)
    throw new CliError('--request-column needs --column (CSV) or --field (NDJSON) naming the ids');
}

/** --projects a,b (default: every configured project, or the one project of the environment). */
function projectNames(o: StartOptions, tool: ToolConfig | undefined): string[] {
  if (!tool) {
    if (o.projects !== undefined)
      throw new CliError('--projects needs a configuration file of projects (--config mixpanel-gdpr.config.yaml)');
    return [REQUEST_DEFAULTS.defaultProject];
  }
  const names = o.projects
    ?.split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  return selectProjects(tool, names).map((p) => p.name);
}

/** --label key=value, repeatable: free-form labels kept with the request. */
function parseLabels(labels: readonly string[] | undefined): Record<string, string> | undefined {
  if (!labels?.length) return undefined;
  const out: Record<string, string> = {};
  for (const label of labels) {
    const at = label.indexOf('=');
    if (at < 1) throw new CliError(`--label must be key=value (got ${JSON.stringify(label)})`);
    out[label.slice(0, at)] = label.slice(at + 1);
  }
  return out;
}

/** A dry run of a file of requests: each request with its due date and ids; nothing recorded or sent. */
function dryRunRequests(requests: readonly NewRequest[], json: boolean, timeZone: string): number {
  const view = new ProgressView({ json, redact: (t) => t });
  const policy = resolveRequestPolicy({ timeZone });
  for (const r of requests) {
    const { dueDate } = deadlineOf(r.regulation, r.receivedAt, policy.timeZone);
    view.result(
      {
        type: 'request',
        ticket: r.ticket,
        regulation: r.regulation,
        dueDate,
        ids: r.ids?.length ?? 0,
        invalid: r.invalid?.length ?? 0,
      },
      `  ${r.ticket}  ${r.regulation}  due ${dueDate}  ${counted(r.ids?.length ?? 0, 'id')}${r.invalid?.length ? ` (+${r.invalid.length} invalid)` : ''}`,
    );
  }
  view.result(
    { type: 'dry-run', requests: requests.length },
    `Dry run: ${counted(requests.length, 'request')} read; nothing was recorded or sent.`,
  );
  return EXIT.ok;
}

/** Shows the batches that would be sent; needs no credentials and sends nothing. */
async function dryRun(job: NewJob, tunables: Record<string, number>, globals: GlobalOptions): Promise<number> {
  const config = await resolveConfig(globals);
  const view = new ProgressView({ json: config.json, redact: (t) => t });
  const ledger = new MemoryLedger();
  const workflow = createWorkflow({ ...tunables, client: offlineClient, ledger });
  const jobId = await workflow.createJob(job);
  const state = workflow.job(jobId)!;
  for (const b of state.batches.values()) {
    const ids = await ledger.batchIds(jobId, b);
    view.result(
      { type: 'batch', batchId: b.batchId, ids: ids.length, first: ids[0], last: ids.at(-1) },
      `  ${b.batchId}  ${String(ids.length).padStart(4)} ${noun(ids.length, 'id').padEnd(3)}  (${ids[0]} … ${ids.at(-1)})`,
    );
  }
  const s = workflow.summary(jobId);
  const secondsAt = (rate: number) => Math.ceil(state.batches.size / rate);
  view.result(
    {
      type: 'dry-run',
      batches: state.batches.size,
      ids: s.ids,
      rateLimitedSeconds: secondsAt(config.ratePerSecond ?? WORKFLOW_DEFAULTS.ratePerSecond),
    },
    `Dry run: ${counted(s.ids.valid, 'id')} in ${counted(state.batches.size, 'batch', 'batches')} (${s.ids.duplicates} duplicates, ${s.ids.invalid} invalid), about ${secondsAt(config.ratePerSecond ?? WORKFLOW_DEFAULTS.ratePerSecond)} s to submit at ${config.ratePerSecond ?? WORKFLOW_DEFAULTS.ratePerSecond} req/s. Nothing was sent.`,
  );
  reportInvalid(state.ingested?.invalid ?? [], view);
  return EXIT.ok;
}

/** Shown ids that were not sent: how many, and where (the first few; the report lists them all). */
function reportInvalid(invalid: readonly InvalidId[], view: ProgressView): void {
  if (invalid.length === 0) return;
  view.info(
    `${counted(invalid.length, 'invalid id')} ${invalid.length === 1 ? 'was' : 'were'} not sent${invalid.length > SHOWN_INVALID ? ` (the first ${SHOWN_INVALID} below; the report lists all)` : ''}:`,
  );
  for (const bad of invalid.slice(0, SHOWN_INVALID))
    view.info(`  input position ${bad.position}: ${bad.reason} (${bad.value})`);
}

/** Invalid ids listed on the terminal; the report has every one. */
const SHOWN_INVALID = 20;

function idFormat(o: StartOptions): IdFileFormat {
  const byExtension: Record<string, IdFileFormat> = { '.csv': 'csv', '.ndjson': 'ndjson', '.jsonl': 'ndjson' };
  const format = (o.format ??
    (o.column ? 'csv' : o.field ? 'ndjson' : (byExtension[extname(o.ids).toLowerCase()] ?? 'text'))) as IdFileFormat;
  if (!['text', 'csv', 'ndjson'].includes(format))
    throw new CliError(`--format must be text, csv or ndjson (got ${JSON.stringify(o.format)})`);
  if (format === 'csv' && !o.column) throw new CliError('--column NAME is required to read ids from CSV');
  if (format === 'ndjson' && !o.field) throw new CliError('--field NAME is required to read ids from NDJSON');
  return format;
}

function integer(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new CliError(`${flag} must be a whole number (got ${JSON.stringify(value)})`);
  return n;
}
