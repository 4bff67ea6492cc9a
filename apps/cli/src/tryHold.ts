import { JobBusyError, takeRunLock } from '@mixpanel-gdpr/workflow';
import type { Session } from './openSession.js';

/** Something only one process may do at a time, held: a lease (PostgreSQL) or a run lock (file store). */
export interface Held {
  /** Aborted when the hold is lost (a lease not renewed in time); never on the file store. */
  lost: AbortSignal;
  release(): Promise<void>;
}

/**
 * Takes `names.lease` on PostgreSQL (renewed every third of `leaseMs` until
 * released or `signal` aborts) or the run lock `names.runLock` beside a file
 * ledger; undefined when another live process holds it. A job's runner and
 * the planner hold theirs this way.
 */
export async function tryHold(
  session: Session,
  names: { lease: string; runLock: string; what: string },
  leaseMs: number,
  signal?: AbortSignal,
): Promise<Held | undefined> {
  const shared = session.store.postgres;
  if (shared) {
    const lease = await shared.leases.claim(names.lease, leaseMs);
    if (!lease) return undefined;
    const lost = new AbortController();
    const alive = shared.leases.keepAlive(lease, leaseMs, {
      signal: signal ? AbortSignal.any([signal, lost.signal]) : lost.signal,
      onLost: () => lost.abort(new Error(`lost the lease of ${names.what}`)),
    });
    return {
      lost: lost.signal,
      async release() {
        lost.abort();
        await Promise.resolve(alive).catch(() => {});
        await shared.leases.release(lease).catch(() => {});
      },
    };
  }
  const lock = await takeRunLock(session.config.ledgerPath, names.runLock).catch((error: unknown) => {
    if (error instanceof JobBusyError) return undefined;
    throw error;
  });
  return lock && { lost: new AbortController().signal, release: () => lock.release() };
}
