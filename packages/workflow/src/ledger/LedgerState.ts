import type { ReportedStatus } from '@mixpanel-gdpr/client';
import type { InvalidId } from '../ids/normalizeIds.js';
import type { RecordOf } from './records.js';

export type BatchPhase = 'planned' | 'sending' | 'unknown' | 'submitted' | 'conflict' | 'split' | 'failed';

/** A batch still to be sent (or sent again: its outcome is unknown). */
export const WAITING_PHASES: ReadonlySet<BatchPhase> = new Set(['planned', 'sending', 'unknown']);
/** A batch whose ids are all in a task: submitted, or covered by running tasks after a 409. */
export const IN_TASK_PHASES: ReadonlySet<BatchPhase> = new Set(['submitted', 'conflict']);

export interface BatchState {
  batchId: string;
  ids: string[];
  phase: BatchPhase;
  /** Requests sent for this batch (more than one only after an unknown outcome). */
  attempts: number;
  /** Times this batch's outcome was recorded as unknown. */
  unknowns: number;
  taskId?: string;
  parentBatchId?: string;
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
}

/** A job: what `job.created` said of it, then what the later records add up to. */
export interface JobState extends Omit<RecordOf<'job.created'>, 'type' | 'at'> {
  createdAt: number;
  updatedAt: number;
  cancelledAt?: number;
  ingested?: { read: number; valid: number; duplicates: number; invalid: InvalidId[]; at: number };
  batches: Map<string, BatchState>;
  tasks: Map<string, TaskRecord>;
  /** Ids covered by tasks found through a 409, per id. */
  coveredBy: Map<string, string[]>;
}

export interface LedgerState {
  jobs: Map<string, JobState>;
}
