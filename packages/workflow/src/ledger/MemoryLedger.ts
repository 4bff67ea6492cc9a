import { applyRecord } from './applyRecord.js';
import { assertAppendable } from './assertAppendable.js';
import { batchIdsOf } from './batchIdsOf.js';
import type { Ledger } from './Ledger.js';
import { type BatchState, emptyLedgerState, type LedgerState } from './LedgerState.js';
import type { LedgerRecord } from './records.js';

/** A ledger that keeps nothing after the process: for tests and dry runs. */
export class MemoryLedger implements Ledger {
  readonly state: LedgerState = emptyLedgerState();
  readonly records: LedgerRecord[] = [];

  async append(...records: LedgerRecord[]): Promise<void> {
    assertAppendable(this.state, records);
    for (const record of records) {
      const copy = structuredClone(record);
      applyRecord(this.state, copy, this.records.length);
      this.records.push(copy);
    }
  }

  async batchIds(jobId: string, batch: BatchState): Promise<string[]> {
    return [...batchIdsOf(this.records[batch.stored], jobId, batch, 'the memory ledger')];
  }

  async *history(): AsyncGenerator<LedgerRecord> {
    yield* this.records.map((r) => structuredClone(r));
  }

  /** One process holds it: nothing to take in. */
  async refresh(): Promise<void> {}

  async close(): Promise<void> {}
}
