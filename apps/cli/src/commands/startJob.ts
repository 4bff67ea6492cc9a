import { stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { parseComplianceType, parseDisclosureType } from '@mixpanel-gdpr/client';
import {
  createWorkflow,
  type IdFileFormat,
  type InvalidId,
  type JobKind,
  MemoryLedger,
  type NewJob,
  readIdsFromFile,
  resolveWorkflowOptions,
  WORKFLOW_DEFAULTS,
} from '@mixpanel-gdpr/workflow';
import { CliError } from '../CliError.js';
import { type GlobalOptions, resolveConfig } from '../config.js';
import { currentJob } from '../currentJob.js';
import { EXIT } from '../exitCodes.js';
import { formatSummary, summaryExitCode } from '../formatSummary.js';
import { offlineClient } from '../offlineClient.js';
import { openSession } from '../openSession.js';
import { ProgressView } from '../ProgressView.js';
import { counted, noun } from '../plural.js';

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
}

/** `delete` and `retrieve`: read and check everything, plan the batches, then send (unless --dry-run). */
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
  if (o.ids !== '-' && (await stat(o.ids).catch(() => undefined))?.isDirectory())
    throw new CliError(`--ids must be a file of ids, or - for stdin (got the directory ${JSON.stringify(o.ids)})`);
  const ids = await readIdsFromFile(o.ids, {
    format,
    ...(o.column && { column: o.column }),
    ...(o.field && { field: o.field }),
  });
  const job = {
    kind,
    complianceType,
    ...(disclosureType && { disclosureType }),
    ids,
    source: o.ids === '-' ? 'stdin' : resolve(o.ids),
    ...(o.out && { exportDir: resolve(o.out) }),
  };

  resolveWorkflowOptions(tunables);
  if (globals.dryRun) return dryRun(job, tunables, globals);
  const session = await openSession(globals, { tunables });
  try {
    const { view, workflow } = session;
    const jobId = await workflow.createJob(job, { signal });
    currentJob.id = jobId;
    const state = workflow.job(jobId)!;
    view.info(`job ${jobId}: ${kind} of ${counted(state.ingested!.valid, 'id')}`);
    // One run: polls start as soon as the first tasks exist, in the slots submissions leave.
    view.track(jobId, () => workflow.progress(jobId));
    const summary = await workflow.run(jobId, { signal, wait: Boolean(o.wait) });
    view.stop();
    reportInvalid(state.ingested!.invalid, view);
    const next = o.wait
      ? `Report: mixpanel-gdpr report ${jobId} --format md`
      : `All batches submitted. Follow it with: mixpanel-gdpr watch ${jobId}   (or \`status ${jobId}\` from cron)`;
    view.result({ type: 'summary', ...summary }, `${formatSummary(summary, view)}\n\n${next}`);
    return summaryExitCode(summary, Boolean(o.wait));
  } finally {
    await session.close();
  }
}

/** Shows the batches that would be sent; needs no credentials and sends nothing. */
async function dryRun(job: NewJob, tunables: Record<string, number>, globals: GlobalOptions): Promise<number> {
  const config = resolveConfig(globals);
  const view = new ProgressView({ json: config.json, redact: (t) => t });
  const ledger = new MemoryLedger();
  const workflow = createWorkflow({ ...tunables, client: offlineClient, ledger });
  const jobId = await workflow.createJob(job);
  const state = workflow.job(jobId)!;
  for (const b of state.batches.values()) {
    view.result(
      { type: 'batch', batchId: b.batchId, ids: b.ids.length, first: b.ids[0], last: b.ids.at(-1) },
      `  ${b.batchId}  ${String(b.ids.length).padStart(4)} ${noun(b.ids.length, 'id').padEnd(3)}  (${b.ids[0]} … ${b.ids.at(-1)})`,
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
