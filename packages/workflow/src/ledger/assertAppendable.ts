import { LedgerConflictError } from './LedgerConflictError.js';
import { type LedgerState, ticketKey } from './LedgerState.js';
import type { LedgerRecord } from './records.js';

/**
 * Checks, against the state as it is when the append holds the store (after
 * taking in every other process's records), that `records` apply: the
 * reducer would otherwise refuse them only after they were written, and
 * every later replay with them. Two processes recording the same ticket, or
 * extending one request twice, or two service processes sending one
 * callback, is the race this catches; a record naming a job, batch or task
 * nobody created is a bug, refused the same way.
 */
export function assertAppendable(state: LedgerState, records: readonly LedgerRecord[]): void {
  const tickets = new Set<string>();
  /** Idempotency hashes, key ids and callback ids new in these records. */
  const seen = new Set<string>();
  const requests = new Set<string>();
  const extended = new Set<string>();
  const jobs = new Set<string>();
  const batches = new Set<string>();
  const tasks = new Set<string>();
  const hasRequest = (id: string) => requests.has(id) || state.requests.has(id);
  const hasJob = (id: string) => jobs.has(id) || state.jobs.has(id);
  const key = (jobId: string, id: string) => `${jobId}\u0000${id}`;
  const refuse = (why: string): never => {
    throw new LedgerConflictError(`${why}: nothing was appended`);
  };
  for (const record of records) {
    switch (record.type) {
      case 'request.received': {
        const ticket = ticketKey(record.kind, record.ticket);
        const taken = state.tickets.get(ticket);
        if (taken !== undefined || tickets.has(ticket))
          refuse(
            `${record.kind} ticket ${JSON.stringify(record.ticket)} was recorded meanwhile${taken ? ` (as ${taken}), by another process` : ' twice'}`,
          );
        if (hasRequest(record.requestId)) refuse(`request ${record.requestId} is already recorded`);
        const idempotency = record.intake?.idempotency;
        if (idempotency !== undefined && (state.idempotency.has(idempotency) || seen.has(idempotency)))
          refuse(
            `this Idempotency-Key was used meanwhile (request ${state.idempotency.get(idempotency) ?? 'in this append'})`,
          );
        if (idempotency !== undefined) seen.add(idempotency);
        tickets.add(ticket);
        requests.add(record.requestId);
        continue;
      }
      case 'request.extended':
        if (!hasRequest(record.requestId)) refuse(`request ${record.requestId} is not recorded`);
        if (state.requests.get(record.requestId)?.extension || extended.has(record.requestId))
          refuse(`request ${record.requestId} was extended meanwhile, by another process (once is all the law allows)`);
        extended.add(record.requestId);
        continue;
      case 'request.cancelled':
        if (!hasRequest(record.requestId)) refuse(`request ${record.requestId} is not recorded`);
        continue;
      case 'ledger.purged':
        continue;
      case 'key.created':
        if (state.keys.has(record.keyId) || seen.has(`key ${record.keyId}`))
          refuse(`key ${record.keyId} already exists`);
        seen.add(`key ${record.keyId}`);
        continue;
      case 'key.revoked':
      case 'session.ended':
        if (!state.keys.has(record.keyId)) refuse(`key ${record.keyId} does not exist`);
        continue;
      case 'callback.queued':
        if (state.callbacks.has(record.callbackId) || seen.has(record.callbackId))
          refuse(`callback ${record.callbackId} was queued meanwhile`);
        if (!hasRequest(record.requestId))
          refuse(`callback ${record.callbackId} names request ${record.requestId}, unknown`);
        seen.add(record.callbackId);
        continue;
      case 'callback.attempting':
      case 'callback.failed':
      case 'callback.delivered':
      case 'callback.abandoned':
        assertCallbackStep(state, record, refuse);
        continue;
      case 'job.created':
        if (hasJob(record.jobId)) refuse(`job ${record.jobId} already exists`);
        for (const id of record.requestIds ?? [])
          if (!hasRequest(id)) refuse(`job ${record.jobId} names request ${id}, which is not recorded`);
        jobs.add(record.jobId);
        continue;
    }
    const { jobId } = record;
    if (!hasJob(jobId)) refuse(`${record.type} names job ${jobId}, which does not exist`);
    const job = state.jobs.get(jobId);
    const hasBatch = (id: string) => batches.has(key(jobId, id)) || job?.batches.has(id) === true;
    const hasTask = (id: string) => tasks.has(key(jobId, id)) || job?.tasks.has(id) === true;
    switch (record.type) {
      case 'job.ingested':
      case 'job.cancelled':
        continue;
      case 'job.waiting':
        if (!Number.isFinite(record.nextPollAt)) refuse(`job.waiting of job ${jobId} has no valid nextPollAt`);
        continue;
      case 'batch.planned':
        if (hasBatch(record.batchId)) refuse(`batch ${record.batchId} of job ${jobId} already exists`);
        batches.add(key(jobId, record.batchId));
        continue;
      case 'task.status':
      case 'task.polled':
      case 'task.cancel':
      case 'task.missing':
      case 'export.downloaded':
      case 'export.failed':
        if (!hasTask(record.taskId)) refuse(`${record.type} names task ${record.taskId} of job ${jobId}, unknown`);
        continue;
      default:
        if (!hasBatch(record.batchId)) refuse(`${record.type} names batch ${record.batchId} of job ${jobId}, unknown`);
        if (record.type === 'batch.submitted') tasks.add(key(jobId, record.taskId));
        if (record.type === 'batch.conflict') for (const t of record.coveringTaskIds) tasks.add(key(jobId, t));
    }
  }
}

/**
 * One sender per attempt: an attempt is taken only when the last one has an
 * outcome or counts as lost, and an outcome is recorded only by the taker
 * of that attempt, while the callback is pending. (One outbox step per
 * append: two in one append are not checked against each other.)
 */
function assertCallbackStep(
  state: LedgerState,
  record: Extract<
    LedgerRecord,
    { type: 'callback.attempting' | 'callback.failed' | 'callback.delivered' | 'callback.abandoned' }
  >,
  refuse: (why: string) => never,
): void {
  const callback = state.callbacks.get(record.callbackId);
  if (!callback) return refuse(`callback ${record.callbackId} is not queued`);
  if (callback.status !== 'pending') return refuse(`callback ${record.callbackId} was ${callback.status} meanwhile`);
  if (record.type === 'callback.attempting') {
    if (record.attempt !== callback.attempts + 1)
      refuse(
        `attempt ${record.attempt} of callback ${record.callbackId} was taken meanwhile (now ${callback.attempts})`,
      );
    if (callback.inFlight && record.at < callback.inFlight.until)
      refuse(`attempt ${callback.inFlight.attempt} of callback ${record.callbackId} is still in flight`);
  } else if (record.type !== 'callback.abandoned' && callback.inFlight?.attempt !== record.attempt)
    refuse(
      `attempt ${record.attempt} of callback ${record.callbackId} is no longer this process's (it counted as lost)`,
    );
}
