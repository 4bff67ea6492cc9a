import type { BatchState } from './LedgerState.js';
import type { LedgerRecord } from './records.js';

/**
 * The ids of a batch from the record a store read back at the place `state`
 * noted. A record that is not that batch's `batch.planned` means the store
 * changed under this process (a purge rewrote the file): refused rather
 * than sending someone else's ids.
 */
export function batchIdsOf(
  record: LedgerRecord | undefined,
  jobId: string,
  batch: BatchState,
  store: string,
): string[] {
  if (
    record?.type !== 'batch.planned' ||
    record.jobId !== jobId ||
    record.batchId !== batch.batchId ||
    record.ids.length !== batch.idCount
  )
    throw new Error(
      `${store} no longer holds batch ${batch.batchId} of job ${jobId} where it was read (at ${batch.stored}): it changed since it was opened; open it again`,
    );
  return record.ids;
}
