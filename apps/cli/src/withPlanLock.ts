import type { Session } from './openSession.js';
import { tryHold } from './tryHold.js';

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
  for (;;) {
    options.signal?.throwIfAborted();
    const held = await tryHold(session, { lease: 'plan', runLock: 'plan', what: 'the planner' }, options.leaseMs);
    if (held) {
      try {
        await session.ledger.refresh();
        return await work();
      } finally {
        await held.release();
      }
    }
    if (!options.wait) return undefined;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, PLAN_LOCK_RETRY_MS);
      options.signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
  }
}
