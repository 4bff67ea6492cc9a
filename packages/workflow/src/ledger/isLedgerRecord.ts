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
  'task.status': true,
  'task.cancel': true,
  'task.missing': true,
  'export.downloaded': true,
  'export.failed': true,
};

/**
 * Whether a parsed line has the shape every record shares (a known type, a
 * job id, a time). A record of an unknown type is not skipped: state built
 * without it could resend what was already sent.
 */
export function isLedgerRecord(value: unknown): value is LedgerRecord {
  const v = value as { type?: unknown; jobId?: unknown; at?: unknown } | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    typeof v.type === 'string' &&
    Object.hasOwn(RECORD_TYPES, v.type) &&
    typeof v.jobId === 'string' &&
    typeof v.at === 'number'
  );
}
