// A copy of packages/workflow/src/ledger/isLedgerRecord.ts, which the
// workflow does not export yet. TODO: once `@mixpanel-gdpr/workflow` exports
// `isLedgerRecord`, import it from there and delete this file. Until then the
// `Record<LedgerRecordType, true>` below still fails to compile when the
// workflow adds a record type, so the copy cannot silently fall behind.
import type { LedgerRecord, LedgerRecordType } from '@mixpanel-gdpr/workflow';

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
  'task.status': true,
  'task.cancel': true,
  'task.missing': true,
  'export.downloaded': true,
  'export.failed': true,
  'request.received': true,
  'request.extended': true,
  'request.cancelled': true,
  'ledger.purged': true,
};

/** Records about a request carry its id instead of a job's; a purge names neither. */
const KEY_OF: Partial<Record<LedgerRecordType, 'requestId' | null>> = {
  'request.received': 'requestId',
  'request.extended': 'requestId',
  'request.cancelled': 'requestId',
  'ledger.purged': null,
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
