import type { LedgerRecord, LedgerRecordType } from './records.js';

/** Every record type this version writes; a type missing here fails to compile. */
const RECORD_TYPES: Record<LedgerRecordType, true> = {
  'job.created': true,
  'job.ingested': true,
  'batch.planned': true,
  'batch.sending': true,
  'batch.submitted': true,
  'batch.unknown': true,
  'batch.conflict': true,
  'batch.split': true,
  'batch.failed': true,
  'batch.rejected': true,
  'batch.deferred': true,
  'job.cancelled': true,
  'job.waiting': true,
  'task.status': true,
  'task.polled': true,
  'task.cancel': true,
  'task.missing': true,
  'export.downloaded': true,
  'export.failed': true,
  'request.received': true,
  'request.extended': true,
  'request.cancelled': true,
  'ledger.purged': true,
  'key.created': true,
  'key.revoked': true,
  'session.ended': true,
  'callback.queued': true,
  'callback.attempting': true,
  'callback.failed': true,
  'callback.delivered': true,
  'callback.abandoned': true,
};

/** Records about a request, a key or a callback carry its id instead of a job's; a purge names none. */
const KEY_OF: Partial<Record<LedgerRecordType, 'requestId' | 'keyId' | 'callbackId' | null>> = {
  'request.received': 'requestId',
  'request.extended': 'requestId',
  'request.cancelled': 'requestId',
  'ledger.purged': null,
  'key.created': 'keyId',
  'key.revoked': 'keyId',
  'session.ended': 'keyId',
  'callback.queued': 'callbackId',
  'callback.attempting': 'callbackId',
  'callback.failed': 'callbackId',
  'callback.delivered': 'callbackId',
  'callback.abandoned': 'callbackId',
};

/**
 * Whether a parsed line has the shape every record shares (a known type, a
 * job id, a time). A record of an unknown type is not skipped: state built
 * without it could resend what was already sent.
 */
export function isLedgerRecord(value: unknown): value is LedgerRecord {
  const v = value as Record<string, unknown> | null;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  if (typeof v.type !== 'string' || !Object.hasOwn(RECORD_TYPES, v.type) || typeof v.at !== 'number') return false;
  const key = Object.hasOwn(KEY_OF, v.type) ? KEY_OF[v.type as LedgerRecordType]! : 'jobId';
  return key === null || typeof v[key] === 'string';
}
