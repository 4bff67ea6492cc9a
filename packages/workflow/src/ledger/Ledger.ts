import type { LedgerState } from './LedgerState.js';
import type { LedgerRecord } from './records.js';

/**
 * Where a job's history lives. Small on purpose: a file today
 * (`FileLedger`), a shared database for several workers later. `append`
 * returns once the records are durable; `state` is what they add up to.
 */
export interface Ledger {
  /** Durably appends records, in order, then applies them to `state`. */
  append(...records: LedgerRecord[]): Promise<void>;
  readonly state: LedgerState;
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
