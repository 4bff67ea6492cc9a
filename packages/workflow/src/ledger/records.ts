import type { ComplianceType, DisclosureType, ReportedStatus } from '@mixpanel-gdpr/client';
import type { InvalidId } from '../ids/normalizeIds.js';
import type { ProjectIdentity } from '../project/ProjectIdentity.js';

export type JobKind = 'deletion' | 'retrieval';
/** What a data subject asked for: erasure (GDPR Art. 17, CCPA delete) or access (Art. 15, right to know). */
export type RequestKind = 'erasure' | 'access';

interface Base {
  jobId: string;
  /** Epoch milliseconds. */
  at: number;
}

interface RequestBase {
  /** The ledger's own id of the request (`req-…`); the caller's ticket id is `ticket`. */
  requestId: string;
  /** Epoch milliseconds. */
  at: number;
}

/**
 * A data-subject request as received. Its ids are listed here when it was
 * read from a file of several requests (they share jobs with other
 * requests); a request that is the whole of its jobs (one run, one request)
 * leaves `ids` out: its ids are its jobs' ids, recorded once, in their
 * batches.
 */
export interface RequestReceived extends RequestBase {
  type: 'request.received';
  /** The caller's id (a ticket); unique per kind. */
  ticket: string;
  kind: RequestKind;
  regulation: ComplianceType;
  /** CCPA access only: what to disclose. */
  disclosureType?: DisclosureType;
  /** When the controller received the request, epoch ms. The legal clock starts here. */
  receivedAt: number;
  /** IANA time zone in which calendar dates (receipt, due) are read. */
  timeZone: string;
  /** The legal due date, a calendar date (YYYY-MM-DD) in `timeZone`. */
  dueDate: string;
  /** The first instant after the due date ends in `timeZone`, epoch ms. */
  dueAt: number;
  /** Names of the Mixpanel projects it must reach (the configuration's, or `default`). */
  projects: string[];
  labels?: Record<string, string>;
  /** The subject's distinct ids, when listed here (see above). */
  ids?: string[];
  /** Valid distinct ids, when listed in `ids`. */
  idCount?: number;
  /** Ids of this request that could not be used, with where they were. */
  invalid?: InvalidId[];
  /** The input file (path, or "stdin") and the SHA-256 of its bytes. */
  source?: { name: string; sha256?: string };
}

/** The legal-deadline extension (GDPR: two further months; CCPA: 45 more days), with its reason. */
export interface RequestExtended extends RequestBase {
  type: 'request.extended';
  reason: string;
  dueDate: string;
  dueAt: number;
}

/**
 * Stored distinct ids of these requests and jobs were replaced by keyed
 * hashes (`purgeLedger`). The chain was recomputed: `previousHead` is the
 * hash of the last line before the purge, so the old chain can still be
 * matched against a copy made before it.
 */
export interface LedgerPurged {
  type: 'ledger.purged';
  at: number;
  requestIds: string[];
  jobIds: string[];
  /** Ids replaced. */
  replaced: number;
  /** A fingerprint of the HMAC key (not the key): which key answers lookups. */
  keyFingerprint: string;
  previousHead: string;
}

/** Mixpanel's own fields from a status answer, kept as evidence (deletions report who asked, when, where). */
export interface MixpanelTaskFields {
  trackingId?: string;
  requestingUser?: string;
  complianceType?: string;
  projectId?: string;
  dateRequested?: string;
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
      /** The configuration's name of the project (absent for a job of the default, unnamed project). */
      projectName?: string;
      /** The requests whose ids this job carries, earliest due first. */
      requestIds?: string[];
    })
  | (Base & {
      type: 'job.ingested';
      read: number;
      valid: number;
      duplicates: number;
      invalid: InvalidId[];
      /** SHA-256 of the input's bytes, when the reader computed it. */
      sourceSha256?: string;
    })
  /** `requestId`: the batch holds the ids of that one request only (access requests never mix people). */
  | (Base & { type: 'batch.planned'; batchId: string; ids: string[]; parentBatchId?: string; requestId?: string })
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
  | (Base & {
      type: 'task.status';
      taskId: string;
      status: ReportedStatus;
      rawStatus: string;
      mixpanel?: MixpanelTaskFields;
    })
  | (Base & { type: 'task.cancel'; taskId: string; cancelled: boolean; reason?: string })
  /**
   * A status poll answered 404. `witnessed`: another task of the same project
   * answered normally shortly before, so region, URL and credentials were
   * right (see `notFoundRule`). Only witnessed 404s count towards NOT_FOUND.
   */
  | (Base & { type: 'task.missing'; taskId: string; witnessed: boolean })
  | (Base & { type: 'export.downloaded'; taskId: string; file: string; bytes: number; sha256: string })
  | (Base & { type: 'export.failed'; taskId: string; error: string })
  | RequestReceived
  | RequestExtended
  | (RequestBase & { type: 'request.cancelled'; reason: string })
  | LedgerPurged;

export type LedgerRecordType = LedgerRecord['type'];
/** A record as passed to `append`: the ledger stamps nothing, the caller sets `at`. */
export type RecordOf<T extends LedgerRecordType> = Extract<LedgerRecord, { type: T }>;
