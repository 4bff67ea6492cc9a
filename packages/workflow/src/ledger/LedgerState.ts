import type { ReportedStatus } from '@mixpanel-gdpr/client';
import type { InvalidId } from '../ids/normalizeIds.js';
import type {
  CallbackQueued,
  KeyCreated,
  LedgerPurged,
  MixpanelTaskFields,
  RecordOf,
  RequestReceived,
} from './records.js';

export type BatchPhase = 'planned' | 'sending' | 'unknown' | 'submitted' | 'conflict' | 'split' | 'failed';

/** A batch still to be sent (or sent again: its outcome is unknown). */
export const WAITING_PHASES: ReadonlySet<BatchPhase> = new Set(['planned', 'sending', 'unknown']);
/** A batch whose ids are all in a task: submitted, or covered by running tasks after a 409. */
export const IN_TASK_PHASES: ReadonlySet<BatchPhase> = new Set(['submitted', 'conflict']);

export interface BatchState {
  batchId: string;
  /** How many ids it holds. The ids themselves stay in the store (`Ledger.batchIds`): 10M ids in memory is 1 GB. */
  idCount: number;
  /** Where the store keeps its `batch.planned` record (a file offset, an event seq): only the store reads it. */
  stored: number;
  /** For a 409: the ids found covered by running tasks (the rest went to a new batch). */
  coveredIds?: string[];
  phase: BatchPhase;
  /** Requests sent for this batch (more than one only after an unknown outcome). */
  attempts: number;
  /** Times this batch's outcome was recorded as unknown. */
  unknowns: number;
  taskId?: string;
  parentBatchId?: string;
  /** Set when the batch holds one request's ids only (an access request's subject). */
  requestId?: string;
  error?: string;
  plannedAt: number;
  updatedAt: number;
}

export interface TaskRecord {
  taskId: string;
  /** 'submitted' by this job, or found running via a 409 'conflict'. */
  origin: 'submitted' | 'conflict';
  /** When this job created (or first learned of) the task. */
  since: number;
  /** Undefined until the first poll. */
  status?: ReportedStatus;
  rawStatus?: string;
  polls: number;
  lastPolledAt?: number;
  updatedAt: number;
  /** When the status last changed to what it is now. */
  statusSince?: number;
  cancel?: { cancelled: boolean; reason?: string; at: number };
  /** 404s on status polls (see `notFoundRule`): witnessed ones, the first and last of them, and all. */
  missing?: { witnessed: number; firstWitnessedAt?: number; lastWitnessedAt?: number; total: number };
  export?: { file: string; bytes: number; sha256: string; at: number } | { error: string; at: number };
  /** Mixpanel's own fields from the latest status answer that had any. */
  mixpanel?: MixpanelTaskFields;
}

/** A data-subject request: what `request.received` said, then its extension, cancellation and jobs. */
export interface RequestState extends Omit<RequestReceived, 'type' | 'at'> {
  recordedAt: number;
  updatedAt: number;
  /**
   * Counts the records applied to it (in this process, not stored): a view
   * computed from the request and its jobs holds while theirs are unchanged.
   */
  revision: number;
  extension?: { reason: string; dueDate: string; dueAt: number; at: number };
  cancelled?: { reason: string; at: number };
  /** The jobs carrying its ids, in the order they were created (one or more per project). */
  jobIds: string[];
  /** When its stored ids were replaced by keyed hashes. */
  purgedAt?: number;
  /** Its callbacks (`callback.queued`), oldest first. */
  callbackIds: string[];
}

/** A service API key as its records leave it. */
export interface KeyState extends Omit<KeyCreated, 'type' | 'at'> {
  createdAt: number;
  revokedAt?: number;
}

/** A callback in the outbox and how its delivery went. */
export interface CallbackState extends Omit<CallbackQueued, 'type' | 'at' | 'body'> {
  queuedAt: number;
  status: 'pending' | 'delivered' | 'abandoned';
  /** The body to send; dropped once delivered or abandoned (the log keeps it). */
  body?: string;
  /** Attempts taken so far (the last may still be in flight). */
  attempts: number;
  /** The attempt taken and not answered yet, and when it counts as lost. */
  inFlight?: { attempt: number; until: number };
  /** When the next attempt may be taken, epoch ms. */
  nextAt: number;
  lastAttemptAt?: number;
  lastStatus?: number;
  lastError?: string;
  deliveredAt?: number;
  abandoned?: { reason: string; at: number };
}

/** A job: what `job.created` said of it, then what the later records add up to. */
export interface JobState extends Omit<RecordOf<'job.created'>, 'type' | 'at'> {
  createdAt: number;
  updatedAt: number;
  /** Counts the records applied to it (see `RequestState.revision`). */
  revision: number;
  cancelledAt?: number;
  /** When its next poll is due, as the last run that let it go recorded (`job.waiting`). */
  nextPollAt?: number;
  ingested?: {
    read: number;
    valid: number;
    duplicates: number;
    invalid: InvalidId[];
    at: number;
    sourceSha256?: string;
  };
  batches: Map<string, BatchState>;
  tasks: Map<string, TaskRecord>;
  /** Ids covered by tasks found through a 409, per id. */
  coveredBy: Map<string, string[]>;
  /**
   * The batch now holding each id that one of its requests lists (split and
   * 409 remainders followed), so a request's progress is found without
   * reading batches back. Absent when no request of the job lists its ids
   * (one request is the whole job, however large).
   */
  batchOfId?: Map<string, string>;
  /** The batches holding one request's ids only (access requests), by request id; absent when none does. */
  requestBatches?: Map<string, string[]>;
}

export interface LedgerState {
  jobs: Map<string, JobState>;
  requests: Map<string, RequestState>;
  /** Request id by `ticketKey(kind, ticket)`: a ticket is unique per kind. */
  tickets: Map<string, string>;
  purges: LedgerPurged[];
  keys: Map<string, KeyState>;
  /** `request.extended` records applied: a listing ordered by due date in force re-sorts only when it moves. */
  extensions: number;
  /** Dashboard sessions signed out and not yet expired: session id → when the cookie expires (epoch ms). */
  endedSessions: Map<string, number>;
  callbacks: Map<string, CallbackState>;
  /** Request id by `intake.idempotency`: a retried POST finds its request. */
  idempotency: Map<string, string>;
}

export function emptyLedgerState(): LedgerState {
  return {
    jobs: new Map(),
    requests: new Map(),
    tickets: new Map(),
    purges: [],
    keys: new Map(),
    extensions: 0,
    endedSessions: new Map(),
    callbacks: new Map(),
    idempotency: new Map(),
  };
}

export function ticketKey(kind: RequestReceived['kind'], ticket: string): string {
  return `${kind}\u0000${ticket}`;
}
