import type { LedgerRecord } from '@mixpanel-gdpr/workflow';

/** The lease a worker holds while it works on a job. */
export function jobLease(jobId: string): string {
  return `job:${jobId}`;
}

/**
 * A `PostgresLedger` fence: records of work done on a claimed job (sending,
 * outcomes, polls, downloads) need the job's lease; records that create a
 * job or plan it (made before any worker claims it), request records, purges
 * and a user's cancellation pass unfenced. Records of one append that need
 * the lease are all refused together if it is lost, so `batch.split` with
 * its new `batch.planned`s is refused whole.
 */
export function fenceJobWork(record: LedgerRecord): string | undefined {
  switch (record.type) {
    case 'batch.sending':
    case 'batch.submitted':
    case 'batch.unknown':
    case 'batch.conflict':
    case 'batch.split':
    case 'batch.failed':
    case 'batch.deferred':
    case 'batch.rejected':
    case 'task.status':
    case 'task.polled':
    case 'task.missing':
    case 'job.waiting':
    case 'export.downloaded':
    case 'export.failed':
      return jobLease(record.jobId);
    default:
      return undefined;
  }
}
