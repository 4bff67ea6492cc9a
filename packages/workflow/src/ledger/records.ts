import type { ComplianceType, DisclosureType, ReportedStatus } from '@mixpanel-gdpr/client';
import type { InvalidId } from '../ids/normalizeIds.js';
import type { ProjectIdentity } from '../project/ProjectIdentity.js';

export type JobKind = 'deletion' | 'retrieval';

interface Base {
  jobId: string;
  /** Epoch milliseconds. */
  at: number;
}

/**
 * Everything the ledger records, one JSON object per line. Written before
 * and after each request, so a crash at any instant leaves either "about to
 * send" (the outcome is unknown, the batch may be resent) or the outcome.
 */
export type LedgerRecord =
  | (Base & {
      type: 'job.created';
      kind: JobKind;
      complianceType: ComplianceType;
      disclosureType?: DisclosureType;
      batchSize: number;
      /** Where the ids came from (a file path, "stdin"), for the report. */
      source?: string;
      /** Retrievals: where exports are written, so a resumed job writes them to the same place. */
      exportDir?: string;
      /**
       * The project the job was created for (region, API origin, a fingerprint
       * of the project token): every later command must call the same one.
       * Absent from jobs created before version 0.2.
       */
      project?: ProjectIdentity;
    })
  | (Base & { type: 'job.ingested'; read: number; valid: number; duplicates: number; invalid: InvalidId[] })
  | (Base & { type: 'batch.planned'; batchId: string; ids: string[]; parentBatchId?: string })
  | (Base & { type: 'batch.sending'; batchId: string; attempt: number })
  | (Base & { type: 'batch.submitted'; batchId: string; taskId: string })
  /** The request may or may not have reached Mixpanel (killed, timed out, reset): the batch will be resent. */
  | (Base & { type: 'batch.unknown'; batchId: string; reason: string })
  /** 409: these ids already have running deletion tasks; the rest went to a new batch. */
  | (Base & { type: 'batch.conflict'; batchId: string; coveredIds: string[]; coveringTaskIds: string[] })
  /** 400 "too many ids": the batch was halved. */
  | (Base & { type: 'batch.split'; batchId: string; into: string[] })
  | (Base & { type: 'batch.failed'; batchId: string; error: string; status?: number })
  /** Not sent: a command's deadline passed while it waited for a slot or out a 429. Back to planned. */
  | (Base & { type: 'batch.deferred'; batchId: string; reason: string })
  /** Refused before any work (401, 403, 404): not sent as far as Mixpanel is concerned; back to planned. */
  | (Base & { type: 'batch.rejected'; batchId: string; error: string; status: number })
  /** No more batches are sent; outstanding deletions were asked to cancel. */
  | (Base & { type: 'job.cancelled' })
  | (Base & { type: 'task.status'; taskId: string; status: ReportedStatus; rawStatus: string })
  | (Base & { type: 'task.cancel'; taskId: string; cancelled: boolean; reason?: string })
  /**
   * A status poll answered 404. `witnessed`: another task of the same project
   * answered normally shortly before, so region, URL and credentials were
   * right (see `notFoundRule`). Only witnessed 404s count towards NOT_FOUND.
   */
  | (Base & { type: 'task.missing'; taskId: string; witnessed: boolean })
  | (Base & { type: 'export.downloaded'; taskId: string; file: string; bytes: number; sha256: string })
  | (Base & { type: 'export.failed'; taskId: string; error: string });

export type LedgerRecordType = LedgerRecord['type'];
/** A record as passed to `append`: the ledger stamps nothing, the caller sets `at`. */
export type RecordOf<T extends LedgerRecordType> = Extract<LedgerRecord, { type: T }>;
