import type { BatchState, LedgerState } from './LedgerState.js';
import type { LedgerRecord } from './records.js';

/**
 * Where a job's history lives. Small on purpose: a file today
 * (`FileLedger`), a shared database for several workers later. `append`
 * returns once the records are durable; `state` is what they add up to.
 */
export interface Ledger {
  /** Durably appends records, in order, then applies them to `state`. */
  append(...records: LedgerRecord[]): Promise<void>;
  /**
   * What the records add up to, kept small: a batch holds its ids' count,
   * not the ids (see `batchIds`), so memory grows with batches, tasks and
   * requests, not with ids or history.
   */
  readonly state: LedgerState;
  /**
   * The ids of one of `state`'s batches, read back from the store: to send
   * the batch, to write a report or evidence. Throws when the store no
   * longer holds that batch's record where `state` says it is.
   */
  batchIds(jobId: string, batch: BatchState): Promise<string[]>;
  /**
   * Every record, oldest first, as stored (for evidence: `state` keeps only
   * the latest status of each task, the history keeps every one).
   */
  history(): AsyncIterable<LedgerRecord>;
  /**
   * Takes in what other processes appended since (a shared store): before
   * a command decides anything from `state` after waiting for a lock.
   */
  refresh(): Promise<unknown>;
  close(): Promise<void>;
}
