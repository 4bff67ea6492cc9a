import { JobBusyError, takeRunLock } from '@mixpanel-gdpr/workflow';
import type { Session } from './openSession.js';

/** How often a planner waiting for the plan lock looks again, in ms. */
const PLAN_LOCK_RETRY_MS = 200;

export interface PlanLockOptions {
  /** Wait for the lock (a run planning its own requests), or give up at once (a worker's planning pass). */
  wait: boolean;
  /** The lease on PostgreSQL, renewed every third of it while held. */
  leaseMs: number;
  signal?: AbortSignal | undefined;
}

/**
 * Runs `work` holding the store's plan lock (the `plan` lease on
 * PostgreSQL, the `plan` run lock beside a file ledger), or resolves
 * undefined when another planner holds it and `wait` is false. Every planner
 * plans under it (a run recording its requests, an upload, a worker
 * completing what a crash left half planned), so a request being planned
 * by one process is never planned again by another, however long it takes
 * (a 10M-id upload is read for a minute).
 */
export async function withPlanLock<T>(
  session: Session,
  work: () => Promise<T>,
  options: PlanLockOptions,
): Promise<T | undefined> {
  const shared = session.store.postgres;
  for (;;) {
    options.signal?.throwIfAborted();
    if (shared) {
      const lease = await shared.leases.claim('plan', options.leaseMs);
      if (lease) {
        const stop = new AbortController();
        const alive = shared.leases.keepAlive(lease, options.leaseMs, { signal: stop.signal, onLost: () => {} });
        try {
          await session.ledger.refresh();
          return await work();
        } finally {
          stop.abort();
          await Promise.resolve(alive).catch(() => {});
          await shared.leases.release(lease).catch(() => {});
        }
      }
    } else {
      const lock = await takeRunLock(session.config.ledgerPath, 'plan').catch((error: unknown) => {
        if (error instanceof JobBusyError) return undefined;
        throw error;
      });
      if (lock) {
        try {
          await session.ledger.refresh();
          return await work();
        } finally {
          await lock.release();
        }
      }
    }
    if (!options.wait) return undefined;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, PLAN_LOCK_RETRY_MS);
      options.signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
  }
}
