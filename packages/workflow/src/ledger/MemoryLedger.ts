import { applyRecord } from './applyRecord.js';
import type { Ledger } from './Ledger.js';
import { emptyLedgerState, type LedgerState } from './LedgerState.js';
import type { LedgerRecord } from './records.js';

/** A ledger that keeps nothing after the process: for tests and dry runs. */
export class MemoryLedger implements Ledger {
  readonly state: LedgerState = emptyLedgerState();
  readonly records: LedgerRecord[] = [];

  async append(...records: LedgerRecord[]): Promise<void> {
    for (const record of records) {
      const copy = structuredClone(record);
      applyRecord(this.state, copy);
      this.records.push(copy);
    }
  }

  async *history(): AsyncGenerator<LedgerRecord> {
    yield* this.records.map((r) => structuredClone(r));
  }

  /** One process holds it: nothing to take in. */
  async refresh(): Promise<void> {}

  async close(): Promise<void> {}
}
