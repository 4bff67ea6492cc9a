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
  /** The input file (path, or "stdin", or a service "upload"), the SHA-256 of its bytes and their number. */
  source?: { name: string; sha256?: string; bytes?: number };
  /** Where the service POSTs its state changes, signed (`callback.queued`). */
  callbackUrl?: string;
  /** How it arrived, when through the service: the key that filed it, and a keyed hash of its `Idempotency-Key`. */
  intake?: RequestIntake;
}

/** How a request reached the service. */
export interface RequestIntake {
  via: 'api' | 'bulk' | 'opendsr';
  /** The API key that filed it (`key.created`). */
  keyId?: string;
  /**
   * HMAC of the key id and the caller's `Idempotency-Key` (the raw value is
   * the caller's, and may be guessable): a retry carrying it finds this
   * request, and no other request may record it again.
   */
  idempotency?: string;
  /** A digest of the request as sent: the same `Idempotency-Key` with another body is refused. */
  bodySha256?: string;
  /** OpenDSR: the controller's id of the request, and where to POST its status changes. */
  opendsr?: { subjectRequestId: string; statusCallbackUrls: string[]; controllerId?: string; requestType: string };
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

/** What a service API key may do: read requests, file them, administer (cancel, metrics, keys). */
export type KeyScope = 'read' | 'submit' | 'admin';

/** A service API key. Only a hash of its secret is stored; the secret is shown once, when it is made. */
export interface KeyCreated {
  type: 'key.created';
  keyId: string;
  at: number;
  name: string;
  scopes: KeyScope[];
  /** SHA-256 (hex) of the key's secret part. */
  secretSha256: string;
}

export interface KeyRevoked {
  type: 'key.revoked';
  keyId: string;
  at: number;
}

/**
 * A dashboard session signed out: its cookie (stateless, signed) is refused
 * from now on by every process, until it would have expired anyway. The
 * session is named by a hash of its nonce, which cannot make a cookie.
 */
export interface SessionEnded {
  type: 'session.ended';
  keyId: string;
  at: number;
  /** SHA-256 (hex, first 32 characters) of the session's nonce. */
  sessionId: string;
  /** When the cookie expires, epoch ms: the record matters until then. */
  until: number;
}

/** What a callback says: the service's own signed callback, or an OpenDSR status callback. */
export type CallbackProtocol = 'service' | 'opendsr';

/**
 * A callback to deliver: the outbox. Its body is fixed here, so every
 * attempt sends the same bytes (receivers deduplicate on its id and check
 * its signature); the signature is computed when it is sent.
 */
export interface CallbackQueued {
  type: 'callback.queued';
  callbackId: string;
  requestId: string;
  at: number;
  protocol: CallbackProtocol;
  /** `request.state_changed`, `request.extended`, … (the service spec's `CallbackEventType`). */
  event: string;
  /** The request's state the event reports, and the one before it. */
  state?: string;
  previousState?: string;
  url: string;
  /** The JSON body, as sent. */
  body: string;
}

/**
 * A process takes attempt `attempt` of a callback before sending it: one
 * sender per attempt, whatever the number of service processes. A taker
 * that dies leaves the attempt without an outcome; after `until` another
 * may take the next one (the receiver may then see the event twice, with
 * the same id: at least once, never lost).
 */
export interface CallbackAttempting {
  type: 'callback.attempting';
  callbackId: string;
  at: number;
  attempt: number;
  /** Epoch ms after which the attempt counts as lost. */
  until: number;
}

/** An attempt's outcome: the receiver's status, or why there was none, and when to try again. */
export interface CallbackFailed {
  type: 'callback.failed';
  callbackId: string;
  at: number;
  attempt: number;
  status?: number;
  error: string;
  /** Epoch ms of the next attempt; absent when there is none (`callback.abandoned` follows). */
  nextAt?: number;
}

export interface CallbackDelivered {
  type: 'callback.delivered';
  callbackId: string;
  at: number;
  attempt: number;
  status: number;
}

/** No more attempts: the receiver answered 410, or retries ran out. */
export interface CallbackAbandoned {
  type: 'callback.abandoned';
  callbackId: string;
  at: number;
  reason: string;
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
  /**
   * A run let the job go with only polls left to make, the next one due at
   * `nextPollAt` (epoch ms): no worker takes it up before then, so several
   * workers do not each poll it on their own schedule.
   */
  | (Base & { type: 'job.waiting'; nextPollAt: number })
  | (Base & {
      type: 'task.status';
      taskId: string;
      status: ReportedStatus;
      rawStatus: string;
      mixpanel?: MixpanelTaskFields;
    })
  /**
   * A poll that found the status unchanged. Recorded so that whoever watches
   * the task next (another worker, a later run) continues its schedule from
   * this poll rather than from its last change.
   */
  | (Base & { type: 'task.polled'; taskId: string })
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
  | LedgerPurged
  | KeyCreated
  | KeyRevoked
  | SessionEnded
  | CallbackQueued
  | CallbackAttempting
  | CallbackFailed
  | CallbackDelivered
  | CallbackAbandoned;

export type LedgerRecordType = LedgerRecord['type'];
/** A record as passed to `append`: the ledger stamps nothing, the caller sets `at`. */
export type RecordOf<T extends LedgerRecordType> = Extract<LedgerRecord, { type: T }>;
