import { randomBytes } from 'node:crypto';
import { type ComplianceType, type DisclosureType, ValidationError } from '@mixpanel-gdpr/client';
import { emptyIdStats, type IdSource, type IdStats, normalizeIds } from './ids/normalizeIds.js';
import type { JobContext } from './JobContext.js';
import type { JobKind, LedgerRecord } from './ledger/records.js';

export interface NewJob {
  kind: JobKind;
  complianceType: ComplianceType;
  /** CCPA retrievals only. */
  disclosureType?: DisclosureType | undefined;
  ids: IdSource;
  /** Where the ids came from, for the report (a path, "stdin"). */
  source?: string | undefined;
  /** Retrievals: where exports go. @default the workflow's `exportDir` */
  exportDir?: string | undefined;
  /** The configuration's name of the project this job is for (recorded; absent for the default project). */
  projectName?: string | undefined;
  /** The requests whose ids this job carries (recorded in `job.created`). */
  requestIds?: string[] | undefined;
  /**
   * Plan one batch (or more, past the batch size) per group, never mixing
   * two groups in a batch: an access request's subject gets exports of
   * their own. Ids are deduplicated within a group only. `ids` is then
   * ignored.
   */
  groups?: Array<{ requestId: string; ids: string[] }> | undefined;
  /** Records written just before `job.created`, in the same append (the request a job is the whole of). */
  precede?: LedgerRecord[] | undefined;
  /** SHA-256 of the input's bytes, once `ids` has been read to the end (see `readIdsWithDigest`). */
  sourceSha256?: (() => string | undefined) | undefined;
}

/** Batches planned per ledger append: fewer fsyncs on big inputs, still bounded memory. */
const PLANNED_PER_APPEND = 16;

/**
 * Creates a job and plans its batches: streams the ids, validates and
 * deduplicates them, and records every batch before anything is sent. The
 * job is recorded only once it has a valid id (an empty file, a file of
 * invalid ids or a closed stdin leave nothing behind: a `ValidationError`
 * says why), and marked ingested last; a job without that mark sent nothing
 * and cannot be resumed, only started again.
 */
export async function ingestIds(ctx: JobContext, job: NewJob, signal?: AbortSignal): Promise<string> {
  const jobId = newJobId(ctx.now());
  const batchSize = ctx.options.batchSize[job.kind];
  const created: LedgerRecord = {
    type: 'job.created',
    jobId,
    at: ctx.now(),
    kind: job.kind,
    complianceType: job.complianceType,
    ...(job.disclosureType && { disclosureType: job.disclosureType }),
    batchSize,
    ...(job.source && { source: job.source }),
    ...(job.kind === 'retrieval' && { exportDir: job.exportDir ?? ctx.options.exportDir }),
    ...(ctx.client.project && { project: ctx.client.project }),
    ...(job.projectName && { projectName: job.projectName }),
    ...(job.requestIds && { requestIds: job.requestIds }),
  };
  const stats = emptyIdStats();
  // Written with the first batch, so that no valid id means no job at all.
  let pending: LedgerRecord[] = [...(job.precede ?? []), created];
  let batch: string[] = [];
  let batches = 0;
  let group: string | undefined;
  const plan = () => {
    pending.push({
      type: 'batch.planned',
      jobId,
      at: ctx.now(),
      batchId: batchId(++batches),
      ids: batch,
      ...(group !== undefined && { requestId: group }),
    });
    batch = [];
  };
  const flush = async () => {
    if (batch.length) plan();
    if (batches === 0 || pending.length === 0) return;
    await ctx.ledger.append(...pending);
    pending = [];
  };
  const take = async (source: IdSource) => {
    for await (const chunk of normalizeIds(source, stats)) {
      for (const id of chunk) {
        batch.push(id);
        if (batch.length < batchSize) continue;
        plan();
        if (pending.length >= PLANNED_PER_APPEND) await flush();
      }
      signal?.throwIfAborted();
    }
  };
  if (!job.groups) await take(job.ids);
  for (const g of job.groups ?? []) {
    // Each group is deduplicated on its own (normalizeIds' Set is per call) and starts a batch of its own.
    if (batch.length) plan();
    group = g.requestId;
    await take(g.ids);
  }
  await flush();
  const { read, valid, duplicates, invalid } = stats;
  if (valid === 0) throw new ValidationError('ids', noValidIdMessage(job.source, stats));
  const sourceSha256 = job.sourceSha256?.();
  await ctx.ledger.append({
    type: 'job.ingested',
    jobId,
    at: ctx.now(),
    read,
    valid,
    duplicates,
    invalid,
    ...(sourceSha256 && { sourceSha256 }),
  });
  ctx.emit({ type: 'ingested', jobId, valid, duplicates, invalid: invalid.length, batches });
  return jobId;
}

function noValidIdMessage(source: string | undefined, stats: IdStats): string {
  const from = source ? ` in ${source}` : '';
  if (stats.read === 0)
    return `no id${from}: the input is empty (blank lines only, or nothing on stdin); nothing was recorded or sent`;
  const first = stats.invalid[0];
  const where = first ? `; first at position ${first.position}: ${first.reason} (${first.value})` : '';
  return `no valid id${from}: ${stats.read} read, ${stats.invalid.length} invalid${where}; nothing was recorded or sent`;
}

function newJobId(nowMs: number): string {
  const stamp = new Date(nowMs).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `job-${stamp}-${randomBytes(3).toString('hex')}`;
}

function batchId(n: number): string {
  return `b${String(n).padStart(6, '0')}`;
}
