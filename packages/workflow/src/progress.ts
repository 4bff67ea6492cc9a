import type { ReportedStatus } from '@mixpanel-gdpr/client';
import type { BatchPhase } from './ledger/LedgerState.js';

/** What a job reports as it goes, for a progress bar, NDJSON output or a UI. */
export type ProgressEvent =
  | { type: 'ingested'; jobId: string; valid: number; duplicates: number; invalid: number; batches: number }
  | { type: 'batch'; jobId: string; batchId: string; phase: BatchPhase; ids: number; taskId?: string; error?: string }
  | { type: 'task'; jobId: string; taskId: string; status: ReportedStatus; rawStatus: string }
  /** Mixpanel said 429: every request of the project waits `waitMs`. */
  | { type: 'rate-limited'; waitMs: number }
  /** A transient failure (5xx, connection, timeout); the call is retried after `waitMs`. */
  | { type: 'retry'; reason: string; waitMs: number }
  | { type: 'export'; jobId: string; taskId: string; file?: string; bytes?: number; error?: string }
  | { type: 'cancel'; jobId: string; taskId: string; cancelled: boolean }
  /** Something a person should know that did not stop the job. */
  | { type: 'warning'; jobId?: string; message: string }
  /** A status poll answered 404 (see `notFoundRule`); `witnessed` ones count towards NOT_FOUND. */
  | { type: 'task-missing'; jobId: string; taskId: string; witnessed: boolean; count: number }
  /** A one-pass poll gave up on a task for now (its poll kept failing); the next pass tries again. */
  | { type: 'skipped'; jobId: string; taskId: string; reason: string };

export type ProgressListener = (event: ProgressEvent) => void;
