import { type BatchState, type JobState, type LedgerState, type TaskRecord, ticketKey } from './LedgerState.js';
import type { LedgerRecord } from './records.js';

/**
 * The one reducer from records to state, used when replaying a ledger and
 * after every append, so memory and disk can never disagree. `stored` is
 * where the store keeps the record (a file offset, an event seq): a batch
 * keeps only its ids' count and that place, and the store reads them back
 * when they are needed (`Ledger.batchIds`).
 */
export function applyRecord(state: LedgerState, record: LedgerRecord, stored: number): void {
  if (applyRequestRecord(state, record)) return;
  if (record.type === 'job.created') {
    const { type: _, jobId, at, ...rest } = record;
    let listsIds = false;
    for (const requestId of rest.requestIds ?? []) {
      const request = state.requests.get(requestId);
      if (!request) throw new Error(`job ${jobId} names unknown request ${requestId}`);
      request.jobIds.push(jobId);
      request.revision++;
      if (request.ids) listsIds = true;
    }
    state.jobs.set(jobId, {
      jobId,
      ...rest,
      createdAt: at,
      updatedAt: at,
      revision: 0,
      batches: new Map(),
      tasks: new Map(),
      coveredBy: new Map(),
      ...(listsIds && { batchOfId: new Map() }),
    });
    return;
  }
  const job = state.jobs.get(record.jobId);
  if (!job) throw new Error(`ledger record ${record.type} names unknown job ${record.jobId}`);
  job.updatedAt = record.at;
  job.revision++;
  switch (record.type) {
    case 'job.ingested': {
      const { read, valid, duplicates, invalid, at, sourceSha256 } = record;
      job.ingested = { read, valid, duplicates, invalid, at, ...(sourceSha256 && { sourceSha256 }) };
      return;
    }
    case 'batch.planned': {
      const { batchId, ids, parentBatchId, at } = record;
      // A split or a 409's remainder holds the same request's ids as its parent.
      const requestId = record.requestId ?? (parentBatchId && job.batches.get(parentBatchId)?.requestId);
      if (requestId) {
        const own = job.requestBatches ?? (job.requestBatches = new Map());
        own.set(requestId, [...(own.get(requestId) ?? []), batchId]);
      } else if (job.batchOfId) for (const id of ids) job.batchOfId.set(id, batchId);
      job.batches.set(batchId, {
        batchId,
        idCount: ids.length,
        stored,
        phase: 'planned',
        attempts: 0,
        unknowns: 0,
        parentBatchId,
        ...(requestId && { requestId }),
        plannedAt: at,
        updatedAt: at,
      });
      return;
    }
    case 'batch.sending': {
      const batch = batchOf(job, record.batchId, record.at);
      batch.phase = 'sending';
      batch.attempts = record.attempt;
      return;
    }
    case 'batch.unknown': {
      const batch = batchOf(job, record.batchId, record.at);
      batch.phase = 'unknown';
      batch.unknowns++;
      batch.error = record.reason;
      return;
    }
    case 'batch.submitted': {
      const batch = batchOf(job, record.batchId, record.at);
      batch.phase = 'submitted';
      batch.taskId = record.taskId;
      addTask(job, record.taskId, 'submitted', record.at);
      return;
    }
    case 'batch.conflict': {
      const batch = batchOf(job, record.batchId, record.at);
      batch.phase = 'conflict';
      batch.coveredIds = record.coveredIds;
      for (const taskId of record.coveringTaskIds) addTask(job, taskId, 'conflict', record.at);
      for (const id of record.coveredIds) job.coveredBy.set(id, record.coveringTaskIds);
      return;
    }
    case 'batch.rejected':
    case 'batch.deferred': {
      const batch = batchOf(job, record.batchId, record.at);
      batch.phase = 'planned';
      batch.error = record.type === 'batch.rejected' ? record.error : record.reason;
      return;
    }
    case 'job.waiting':
      job.nextPollAt = record.nextPollAt;
      job.updatedAt = record.at;
      return;
    case 'job.cancelled':
      job.cancelledAt = record.at;
      return;
    case 'batch.split':
      batchOf(job, record.batchId, record.at).phase = 'split';
      return;
    case 'batch.failed': {
      const batch = batchOf(job, record.batchId, record.at);
      batch.phase = 'failed';
      batch.error = record.error;
      return;
    }
    case 'task.status': {
      const task = taskOf(job, record.taskId);
      if (task.status !== record.status) task.statusSince = record.at;
      task.status = record.status;
      task.rawStatus = record.rawStatus;
      if (record.mixpanel) task.mixpanel = record.mixpanel;
      task.polls++;
      task.lastPolledAt = record.at;
      task.updatedAt = record.at;
      return;
    }
    case 'task.polled': {
      const task = taskOf(job, record.taskId);
      task.polls++;
      task.lastPolledAt = record.at;
      return;
    }
    case 'task.cancel': {
      const task = taskOf(job, record.taskId);
      task.cancel = { cancelled: record.cancelled, reason: record.reason, at: record.at };
      task.updatedAt = record.at;
      return;
    }
    case 'task.missing': {
      const task = taskOf(job, record.taskId);
      const missing = (task.missing ??= { witnessed: 0, total: 0 });
      missing.total++;
      if (record.witnessed) {
        missing.witnessed++;
        missing.firstWitnessedAt ??= record.at;
        missing.lastWitnessedAt = record.at;
      }
      // A 404 is an answer to a poll: the task's schedule goes on from it (or a cron `status --due` would poll it,
      // and fail on it, on every pass).
      task.lastPolledAt = record.at;
      task.updatedAt = record.at;
      return;
    }
    case 'export.downloaded':
    case 'export.failed': {
      const task = taskOf(job, record.taskId);
      task.export =
        record.type === 'export.downloaded'
          ? { file: record.file, bytes: record.bytes, sha256: record.sha256, at: record.at }
          : { error: record.error, at: record.at };
      task.updatedAt = record.at;
      return;
    }
  }
}

/** Records that name no job (requests, keys, the outbox, purges); false for a job's record. */
function applyRequestRecord(
  state: LedgerState,
  record: LedgerRecord,
): record is Exclude<LedgerRecord, { jobId: string }> {
  if ('jobId' in record) return false;
  switch (record.type) {
    case 'request.received': {
      const { type: _, at, ...rest } = record;
      const key = ticketKey(rest.kind, rest.ticket);
      if (state.tickets.has(key)) throw new Error(`ledger records ${rest.kind} ticket ${rest.ticket} twice`);
      state.tickets.set(key, rest.requestId);
      if (rest.intake?.idempotency) state.idempotency.set(rest.intake.idempotency, rest.requestId);
      state.requests.set(rest.requestId, {
        ...rest,
        recordedAt: at,
        updatedAt: at,
        revision: 0,
        jobIds: [],
        callbackIds: [],
      });
      return true;
    }
    case 'request.extended': {
      const request = requestOf(state, record.requestId);
      const { reason, dueDate, dueAt, at } = record;
      request.extension = { reason, dueDate, dueAt, at };
      request.updatedAt = at;
      request.revision++;
      state.extensions++;
      return true;
    }
    case 'request.cancelled': {
      const request = requestOf(state, record.requestId);
      request.cancelled = { reason: record.reason, at: record.at };
      request.updatedAt = record.at;
      request.revision++;
      return true;
    }
    case 'ledger.purged':
      state.purges.push(record);
      for (const requestId of record.requestIds) {
        const request = state.requests.get(requestId);
        if (request) {
          request.purgedAt = record.at;
          request.revision++;
        }
      }
      return true;
    case 'key.created': {
      const { type: _, at, ...rest } = record;
      state.keys.set(record.keyId, { ...rest, createdAt: at });
      return true;
    }
    case 'key.revoked': {
      const key = state.keys.get(record.keyId);
      if (!key) throw new Error(`ledger revokes unknown key ${record.keyId}`);
      key.revokedAt = record.at;
      return true;
    }
    case 'session.ended': {
      // Kept until the cookie would have expired anyway: the map holds the sign-outs of the last session length.
      for (const [id, until] of state.endedSessions) if (until <= record.at) state.endedSessions.delete(id);
      if (record.until > record.at) state.endedSessions.set(record.sessionId, record.until);
      return true;
    }
    default:
      return applyCallbackRecord(state, record);
  }
}

/** The outbox's records; false for any other. */
function applyCallbackRecord(state: LedgerState, record: LedgerRecord): boolean {
  if (record.type === 'callback.queued') {
    const { type: _, at, ...rest } = record;
    requestOf(state, record.requestId).callbackIds.push(record.callbackId);
    state.callbacks.set(record.callbackId, { ...rest, queuedAt: at, status: 'pending', attempts: 0, nextAt: at });
    return true;
  }
  if (!record.type.startsWith('callback.')) return false;
  const { callbackId } = record as { callbackId: string };
  const callback = state.callbacks.get(callbackId);
  if (!callback) throw new Error(`ledger names unknown callback ${callbackId}`);
  switch (record.type) {
    case 'callback.attempting':
      callback.attempts = record.attempt;
      callback.inFlight = { attempt: record.attempt, until: record.until };
      callback.lastAttemptAt = record.at;
      // Taken again once the attempt counts as lost, unless its outcome comes first.
      callback.nextAt = record.until;
      break;
    case 'callback.failed':
      delete callback.inFlight;
      if (record.status !== undefined) callback.lastStatus = record.status;
      callback.lastError = record.error;
      if (record.nextAt !== undefined) callback.nextAt = record.nextAt;
      break;
    case 'callback.delivered':
      delete callback.inFlight;
      delete callback.body;
      callback.status = 'delivered';
      callback.lastStatus = record.status;
      callback.deliveredAt = record.at;
      break;
    case 'callback.abandoned':
      delete callback.inFlight;
      delete callback.body;
      callback.status = 'abandoned';
      callback.abandoned = { reason: record.reason, at: record.at };
      break;
  }
  return true;
}

function requestOf(state: LedgerState, requestId: string) {
  const request = state.requests.get(requestId);
  if (!request) throw new Error(`ledger names unknown request ${requestId}`);
  return request;
}

function batchOf(job: JobState, batchId: string, at: number): BatchState {
  const batch = job.batches.get(batchId);
  if (!batch) throw new Error(`ledger names unknown batch ${batchId} of job ${job.jobId}`);
  batch.updatedAt = at;
  return batch;
}

function taskOf(job: JobState, taskId: string): TaskRecord {
  const task = job.tasks.get(taskId);
  if (!task) throw new Error(`ledger names unknown task ${taskId} of job ${job.jobId}`);
  return task;
}

function addTask(job: JobState, taskId: string, origin: TaskRecord['origin'], at: number): void {
  if (!job.tasks.has(taskId)) job.tasks.set(taskId, { taskId, origin, since: at, polls: 0, updatedAt: at });
}
