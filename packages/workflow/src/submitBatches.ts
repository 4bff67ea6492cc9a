import {
  AbortError,
  ApiError,
  BadRequestError,
  ConflictError,
  InvalidTaskIdError,
  MixpanelGdprError,
  RedirectError,
  ResponseTooLargeError,
  ValidationError,
} from '@mixpanel-gdpr/client';
import { callApi, errorBackoffMs, isTransient } from './callApi.js';
import { GaveUpError } from './GaveUpError.js';
import type { JobContext } from './JobContext.js';
import { jobOf } from './jobQueries.js';
import { type BatchState, type JobState, WAITING_PHASES } from './ledger/LedgerState.js';

/** Mixpanel's 400 for an oversized batch; the wording varies, so match loosely. */
const TOO_LARGE = /too (many|large|big)|maximum|limit|exceed/i;

/**
 * Sends every batch of the job that has no task yet, one at a time through
 * the shared limiter (parallel batches only produce 429s). Each request is
 * framed by a `sending` record and its outcome, so a crash between them
 * leaves the batch marked unknown, the only kind that is ever resent.
 *
 * Pipelined by one batch, so that no fsync sits between two requests: the
 * next batch is recorded `sending` and read back while the one before waits
 * for its slot and its answer, and an answer is recorded while the next
 * batch waits for its slot. The order on the wire is kept: nothing is sent
 * before its `sending` record is durable, nor before the answer to the
 * request before it is.
 */
export async function submitBatches(ctx: JobContext, jobId: string, signal?: AbortSignal): Promise<void> {
  const job = jobOf(ctx, jobId);
  await markInterrupted(ctx, job);
  let ahead: Promise<Prepared | undefined> | undefined;
  /** The last answer, being recorded. */
  let recorded: Promise<void> = Promise.resolve();
  try {
    for (;;) {
      if (job.cancelledAt !== undefined) return await recorded;
      const deadlineAt = ctx.limits?.deadlineAt;
      if (deadlineAt !== undefined && ctx.now() >= deadlineAt)
        throw new GaveUpError('deadline', `the deadline passed with batches of job ${jobId} still to send`);
      // None ahead (or none was left then): look again now that the last outcome is in, it may have planned more.
      const prepared = (await ahead) ?? (job.cancelledAt === undefined ? await prepare(ctx, job) : undefined);
      ahead = undefined;
      if (!prepared) return await recorded;
      ahead = prepare(ctx, job);
      // Handled when its turn comes; until then a failure must not count as unhandled (which ends the process).
      ahead.catch(() => {});
      ({ recorded } = await submitBatch(ctx, job, prepared, recorded, signal));
    }
  } finally {
    await recorded.catch(() => {});
    // Recorded `sending` ahead, but the job stopped before its turn: it was not sent.
    const unsent = await ahead?.catch(() => undefined);
    if (unsent) {
      const reason = 'not sent: the job stopped before its turn';
      await ctx.ledger.append({ type: 'batch.deferred', jobId, batchId: unsent.batch.batchId, at: ctx.now(), reason });
    }
  }
}

interface Prepared {
  batch: BatchState;
  ids: string[];
}

/** A `sending` with no outcome is a request that was in flight when the process died. */
async function markInterrupted(ctx: JobContext, job: JobState): Promise<void> {
  for (const batch of job.batches.values()) {
    if (batch.phase === 'sending') {
      await ctx.ledger.append({
        type: 'batch.unknown',
        jobId: job.jobId,
        at: ctx.now(),
        batchId: batch.batchId,
        reason:
          'the process stopped after deciding to send and before recording an answer: the request may or may not have reached Mixpanel',
      });
    }
  }
}

/**
 * Records the next batch still to send as `sending` and reads its ids back; undefined when there is none
 * or the job was cancelled. Batches left `sending` by a dead process were marked unknown on start, so one
 * `sending` now is ours, ahead or in flight, and is skipped.
 */
async function prepare(ctx: JobContext, job: JobState): Promise<Prepared | undefined> {
  const batch = [...job.batches.values()].find((b) => b.phase !== 'sending' && WAITING_PHASES.has(b.phase));
  if (!batch) return undefined;
  const base = { jobId: job.jobId, batchId: batch.batchId };
  // Recorded before waiting for a slot, not after: the fsync would otherwise sit between the slot and
  // the send and slow every request. A crash in between is then counted as "outcome unknown", which
  // is safe (a resent deletion meets its twin as a 409).
  await ctx.ledger.append({ type: 'batch.sending', ...base, at: ctx.now(), attempt: batch.attempts + 1 });
  // A file ledger shared with other processes reads theirs before appending: a `cancel` recorded before
  // this `sending` is seen now, and nothing recorded after a cancellation is sent.
  if (job.cancelledAt !== undefined) {
    await ctx.ledger.append({ type: 'batch.deferred', ...base, at: ctx.now(), reason: 'the job was cancelled' });
    return undefined;
  }
  // Read back from the store, not kept in memory: a 10M-id job would hold 1 GB of ids.
  return { batch, ids: await ctx.ledger.batchIds(job.jobId, batch) };
}

/**
 * Sends one prepared batch once `previous` (the answer before, being recorded) is durable. A task is
 * returned being recorded, which the next batch waits for in the same way; any other outcome is
 * recorded before returning.
 */
async function submitBatch(
  ctx: JobContext,
  job: JobState,
  { batch, ids }: Prepared,
  previous: Promise<void>,
  signal?: AbortSignal,
): Promise<{ recorded: Promise<void> }> {
  const { jobId } = job;
  const base = { jobId, batchId: batch.batchId };
  let sent = false;
  try {
    const { taskId } = await callApi(ctx, { kind: 'create', signal }, async (s) => {
      // Within our slot: the answer before is almost always on disk by now, so this costs nothing.
      await previous;
      sent = true;
      return create(ctx, job, ids, s);
    });
    const recorded = ctx.ledger
      .append({ type: 'batch.submitted', ...base, at: ctx.now(), taskId })
      .then(() =>
        ctx.emit({ type: 'batch', jobId, batchId: batch.batchId, phase: 'submitted', ids: batch.idCount, taskId }),
      );
    // Awaited by the next batch (or at the end); until then a failure must not count as unhandled.
    recorded.catch(() => {});
    return { recorded };
  } catch (error) {
    // The answer before could not be recorded: this one was never sent, and the job stops.
    if (!sent && !(error instanceof MixpanelGdprError) && !signal?.aborted) throw error;
    await recordFailure(ctx, job, batch, ids, error, signal);
    return { recorded: Promise.resolve() };
  }
}

function create(ctx: JobContext, job: JobState, distinctIds: string[], signal?: AbortSignal) {
  const { complianceType, disclosureType } = job;
  return job.kind === 'deletion'
    ? ctx.client.createDeletion({ distinctIds, complianceType }, { signal })
    : ctx.client.createRetrieval(
        { distinctIds, complianceType, ...(disclosureType && { disclosureType }) },
        { signal },
      );
}

async function recordFailure(
  ctx: JobContext,
  job: JobState,
  batch: BatchState,
  ids: readonly string[],
  error: unknown,
  signal?: AbortSignal,
): Promise<void> {
  const { jobId } = job;
  const at = ctx.now();
  const base = { jobId, batchId: batch.batchId, at };
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof GaveUpError) {
    // Given up while waiting for a slot or out a 429: this attempt was never acted on.
    await ctx.ledger.append({ type: 'batch.deferred', ...base, reason: message });
    throw error;
  }
  if (error instanceof ConflictError && job.kind === 'deletion') return recordConflict(ctx, job, batch, ids, error);
  if (error instanceof ConflictError) {
    // Mixpanel documents 409 for deletions only; on a retrieval its message is all we know, and no export will come.
    const said = error.mixpanelMessage ?? 'no message';
    const reason = `Mixpanel answered 409 to the retrieval: ${said}`;
    await ctx.ledger.append({ type: 'batch.failed', ...base, error: reason, status: 409 });
    ctx.emit({ type: 'batch', jobId, batchId: batch.batchId, phase: 'failed', ids: batch.idCount, error: reason });
    return;
  }
  if (error instanceof BadRequestError && TOO_LARGE.test(error.mixpanelMessage ?? '') && ids.length > 1) {
    const half = Math.ceil(ids.length / 2);
    const into = [`${batch.batchId}.1`, `${batch.batchId}.2`];
    await ctx.ledger.append(
      { type: 'batch.split', ...base, into },
      {
        type: 'batch.planned',
        jobId,
        at,
        batchId: into[0]!,
        ids: ids.slice(0, half),
        parentBatchId: batch.batchId,
      },
      { type: 'batch.planned', jobId, at, batchId: into[1]!, ids: ids.slice(half), parentBatchId: batch.batchId },
    );
    return;
  }
  // A redirect is answered before Mixpanel does anything (and is never followed): the base URL is wrong.
  if (error instanceof RedirectError || (error instanceof ApiError && [401, 403, 404].includes(error.status))) {
    // Refused outright: nothing was created. Stop the job; `resume` sends the batch again.
    await ctx.ledger.append({ type: 'batch.rejected', ...base, error: message, status: error.status });
    throw error;
  }
  if (error instanceof InvalidTaskIdError || error instanceof ResponseTooLargeError) {
    // A 2xx whose task cannot be used: the request reached Mixpanel, but resending it would
    // (from a server that always answers so) loop forever. Fail the batch, saying why.
    await ctx.ledger.append({ type: 'batch.failed', ...base, error: message, status: error.status });
    ctx.emit({ type: 'batch', jobId, batchId: batch.batchId, phase: 'failed', ids: batch.idCount, error: message });
    return;
  }
  if (error instanceof AbortError || signal?.aborted || isTransient(error) || !(error instanceof MixpanelGdprError)) {
    // The request may have been acted on: say so, then resend (a deletion resent
    // while the first one runs comes back as a 409 naming it).
    await ctx.ledger.append({ type: 'batch.unknown', ...base, reason: message });
    ctx.emit({ type: 'batch', jobId, batchId: batch.batchId, phase: 'unknown', ids: batch.idCount, error: message });
    if (signal?.aborted || error instanceof AbortError || !(error instanceof MixpanelGdprError)) throw error;
    if (batch.unknowns >= ctx.options.maxUnknownOutcomes) {
      // A server that never gives a usable answer (broken or hostile) must not keep a job sending for ever.
      const reason = `sent ${batch.unknowns} times without a usable answer (last: ${message}); not sent again: Mixpanel may hold a task for these ids`;
      await ctx.ledger.append({ type: 'batch.failed', ...base, at: ctx.now(), error: reason });
      ctx.emit({ type: 'batch', jobId, batchId: batch.batchId, phase: 'failed', ids: batch.idCount, error: reason });
      return;
    }
    const waitMs = errorBackoffMs(ctx, batch.unknowns + 1);
    ctx.emit({ type: 'retry', reason: message, waitMs });
    await ctx.sleep(waitMs, signal);
    return;
  }
  if (error instanceof ApiError || error instanceof ValidationError) {
    await ctx.ledger.append({
      type: 'batch.failed',
      ...base,
      error: message,
      ...(error instanceof ApiError && { status: error.status }),
    });
    ctx.emit({ type: 'batch', jobId, batchId: batch.batchId, phase: 'failed', ids: batch.idCount, error: message });
    return;
  }
  throw error;
}

/** 409: ids already in a running deletion are covered by it; the rest become a new batch. */
async function recordConflict(
  ctx: JobContext,
  job: JobState,
  batch: BatchState,
  ids: readonly string[],
  error: ConflictError,
): Promise<void> {
  const { jobId } = job;
  const at = ctx.now();
  const conflicting = new Set(error.conflictingDistinctIds);
  const coveredIds = ids.filter((id) => conflicting.has(id));
  if (coveredIds.length === 0 || error.conflictingTaskIds.length === 0) {
    // A 409 that names no id of ours cannot be resolved by resubmitting.
    await ctx.ledger.append({
      type: 'batch.failed',
      jobId,
      batchId: batch.batchId,
      at,
      error: error.message,
      status: 409,
    });
    return;
  }
  const rest = ids.filter((id) => !conflicting.has(id));
  await ctx.ledger.append(
    {
      type: 'batch.conflict',
      jobId,
      batchId: batch.batchId,
      at,
      coveredIds,
      coveringTaskIds: error.conflictingTaskIds,
    },
    ...(rest.length
      ? [
          {
            type: 'batch.planned' as const,
            jobId,
            at,
            batchId: `${batch.batchId}.r`,
            ids: rest,
            parentBatchId: batch.batchId,
          },
        ]
      : []),
  );
  ctx.emit({ type: 'batch', jobId, batchId: batch.batchId, phase: 'conflict', ids: coveredIds.length });
}
