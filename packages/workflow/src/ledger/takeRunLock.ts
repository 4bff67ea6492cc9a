import { createHash } from 'node:crypto';
import { type HeldLock, LockHeldError, takeLock } from './takeLock.js';

/** Another live process runs this job: it sends and polls it, and this one must not. */
export class JobBusyError extends Error {
  constructor(
    readonly jobId: string,
    readonly pid: number | undefined,
  ) {
    super(`job ${jobId} is being run by ${pid === undefined ? 'another process' : `pid ${pid}`}`);
    this.name = 'JobBusyError';
  }
}

/**
 * One job, one runner: the lock `<ledger>.job-<jobId>.lock` is held by the
 * process that submits and polls the job, for as long as it does, so two
 * processes never both send its batches or poll its tasks. A dead holder's
 * lock is stale and taken over (`takeLock`). Throws `JobBusyError` when a
 * live process holds it. A job id that is not a plain name is hashed into
 * the file name.
 */
export async function takeRunLock(ledgerPath: string, jobId: string): Promise<HeldLock> {
  const name = /^[\w.-]{1,100}$/.test(jobId) ? jobId : createHash('sha256').update(jobId).digest('hex').slice(0, 32);
  try {
    return await takeLock(`${ledgerPath}.job-${name}.lock`);
  } catch (error) {
    if (error instanceof LockHeldError) throw new JobBusyError(jobId, error.pid);
    throw error;
  }
}
