import type { LedgerRecord } from '@mixpanel-gdpr/workflow';

/** A job's first records: created, with `batches` planned batches of two ids. */
export function createdJob(jobId: string, batches = 1, at = 1_700_000_000_000): LedgerRecord[] {
  return [
    { type: 'job.created', jobId, at, kind: 'deletion', complianceType: 'GDPR', batchSize: 2 },
    ...Array.from(
      { length: batches },
      (_, i): LedgerRecord => ({
        type: 'batch.planned',
        jobId,
        at: at + 1,
        batchId: `${jobId}-b${i}`,
        ids: [`${jobId}-id${2 * i}`, `${jobId}-id${2 * i + 1}`],
      }),
    ),
  ];
}

/** Sending then submitting batch `index` of `jobId` (task `<batch>-t`). */
export function submittedBatch(jobId: string, index = 0, at = 1_700_000_001_000): LedgerRecord[] {
  const batchId = `${jobId}-b${index}`;
  return [
    { type: 'batch.sending', jobId, at, batchId, attempt: 1 },
    { type: 'batch.submitted', jobId, at: at + 1, batchId, taskId: `${batchId}-t` },
  ];
}

/** A request received (request `req-<n>`, ticket `T-<n>` unless given), at `at`. */
export function receivedRequest(n = 1, { ticket = `T-${n}`, at = 1_699_999_999_000 } = {}): LedgerRecord {
  return {
    type: 'request.received',
    requestId: `req-${n}`,
    at,
    ticket,
    kind: 'erasure',
    regulation: 'GDPR',
    receivedAt: 1_699_999_999_000,
    timeZone: 'UTC',
    dueDate: '2023-12-14',
    dueAt: 1_702_598_400_000,
    projects: ['default'],
  };
}
