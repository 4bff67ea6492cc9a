import { MixpanelGdprError } from '@mixpanel-gdpr/client';
import type { Lease } from '@mixpanel-gdpr/store-postgres';
import { jobProject } from '@mixpanel-gdpr/workflow';
import { CliError } from '../CliError.js';
import type { GlobalOptions } from '../config.js';
import { positive } from '../config.js';
import { errorCodeOf } from '../errorCodes.js';
import { EXIT } from '../exitCodes.js';
import { formatSummary } from '../formatSummary.js';
import { openSession, type Session } from '../openSession.js';

export interface WorkerOptions {
  concurrency?: string;
  leaseMs?: string;
  idleMs?: string;
}

/** Every worker default, with its unit. */
export const WORKER_DEFAULTS = Object.freeze({
  /** Jobs one worker runs at once (watching is cheap: the pace per project is the limit, not this). */
  concurrency: 100,
  /** A job's lease, in ms: renewed every third of it; a dead worker's jobs are taken over after it. */
  leaseMs: 30_000,
  /** Longest sleep between two looks for work when no change is announced, in ms. */
  idleMs: 5_000,
  /** A job whose run Mixpanel refused (credentials, a wrong region) is not taken again by this worker for this long, in ms. */
  retryMs: 60_000,
  /**
   * Requests recorded this long ago without their jobs are planned by a
   * worker, in ms: a run that records requests plans them within moments,
   * and its crash between the two is what this catches.
   */
  planAfterMs: 60_000,
  /** After the store failed (a database restart, a dropped connection), wait this long before looking again, in ms. */
  storeRetryMs: 1_000,
});

/**
 * Runs continuously against the shared store: takes unfinished jobs (the
 * most urgent requests first) under a lease, submits, polls and downloads
 * them at each project's one pace, and records everything; several workers
 * share the work. New work wakes it (LISTEN/NOTIFY). SIGTERM settles the
 * request in flight, releases the leases and exits; after a SIGKILL, the
 * leases expire and other workers carry on, resending only what is recorded
 * as "outcome unknown".
 */
export async function worker(o: WorkerOptions, globals: GlobalOptions, signal: AbortSignal): Promise<number> {
  const concurrency = positive(o.concurrency, '--concurrency') ?? WORKER_DEFAULTS.concurrency;
  const leaseMs = positive(o.leaseMs, '--lease-ms') ?? WORKER_DEFAULTS.leaseMs;
  const idleMs = positive(o.idleMs, '--idle-ms') ?? WORKER_DEFAULTS.idleMs;
  const session = await openSession(globals);
  const shared = session.store.postgres;
  if (!shared) {
    await session.close();
    throw new CliError(
      'worker needs the shared store: give --database-url or DATABASE_URL (with the file store, `watch` runs the jobs)',
      'usage',
    );
  }
  const ledger = shared.ledger;
  const running = new Map<string, Promise<void>>();
  const notBefore = new Map<string, number>();
  let wake = () => {};
  const unsubscribe = await ledger.onChange(() => wake());
  session.view.info(`worker ${shared.owner}: taking jobs of ${[...session.projects.keys()].join(', ')}`);
  try {
    while (!signal.aborted) {
      let sleepMs = idleMs;
      try {
        await ledger.refresh(signal);
        await planStopped(session, leaseMs, signal);
        for (const jobId of candidates(session, running, notBefore)) {
          if (running.size >= concurrency || signal.aborted) break;
          const lease = await shared.leases.claim(shared.module.jobLease(jobId), leaseMs);
          if (!lease) continue;
          const run = runJob(session, jobId, lease, leaseMs, signal)
            .then((retryInMs) => void (retryInMs !== undefined && notBefore.set(jobId, Date.now() + retryInMs)))
            .finally(() => {
              running.delete(jobId);
              wake();
            });
          running.set(jobId, run);
        }
      } catch (error) {
        if (signal.aborted) break;
        // The store is down or restarting: the jobs running stop on their own errors; look again shortly.
        session.view.error(errorCodeOf(error), `store: ${(error as Error).message}; trying again`);
        sleepMs = WORKER_DEFAULTS.storeRetryMs;
      }
      const passEndedAt = Date.now();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, sleepMs);
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          resolve();
        };
        // Every append anywhere announces itself: at most one pass per `storeRetryMs`, or three busy workers
        // would keep the database (and their own lease renewals) waiting.
        wake = () => setTimeout(done, Math.max(0, passEndedAt + WORKER_DEFAULTS.storeRetryMs - Date.now()));
        signal.addEventListener('abort', done, { once: true });
      });
    }
  } finally {
    await Promise.allSettled(running.values());
    await unsubscribe().catch(() => {});
    await session.close();
  }
  return signal.aborted ? EXIT.interrupted : EXIT.ok;
}

/**
 * Plans the jobs of requests a stopped run recorded without planning: one
 * worker at a time (under the `plan` lease), and only requests older than
 * `planAfterMs`, so that no job is planned twice.
 */
async function planStopped(session: Session, leaseMs: number, signal: AbortSignal): Promise<void> {
  const { leases } = session.store.postgres!;
  const lease = await leases.claim('plan', leaseMs);
  if (!lease) return;
  try {
    await session.ledger.refresh();
    await session.desk.planMissing({ signal, recordedBefore: Date.now() - WORKER_DEFAULTS.planAfterMs });
  } finally {
    await leases.release(lease).catch(() => {});
  }
}

/** Unfinished jobs of this worker's projects that it does not run, most urgent first. */
function candidates(session: Session, running: ReadonlyMap<string, unknown>, notBefore: Map<string, number>): string[] {
  const now = Date.now();
  const jobs = session.workflow
    .jobs()
    .filter(
      (j) =>
        j.ingested &&
        !running.has(j.jobId) &&
        (notBefore.get(j.jobId) ?? 0) <= now &&
        session.projects.has(jobProject(j)) &&
        !session.workflow.summary(j.jobId).complete,
    )
    .map((j) => j.jobId);
  return session.desk.jobsByUrgency(jobs);
}

/**
 * Runs one job to its end under its lease. Resolves with how long to leave
 * it alone when it stopped on an error (Mixpanel refused: a minute; the
 * store failed: a second), undefined when it ended or was stopped.
 */
async function runJob(
  session: Session,
  jobId: string,
  lease: Lease,
  leaseMs: number,
  signal: AbortSignal,
): Promise<number | undefined> {
  const shared = session.store.postgres!;
  const lost = new AbortController();
  const both = AbortSignal.any([signal, lost.signal]);
  const alive = shared.leases.keepAlive(lease, leaseMs, {
    signal: both,
    onLost: () => lost.abort(new Error(`lost the lease of job ${jobId}`)),
  });
  try {
    await session.ledger.refresh();
    const job = session.ledger.state.jobs.get(jobId)!;
    const summary = await session.workflowFor(job).run(jobId, { signal: both, wait: true });
    session.view.result({ type: 'summary', ...summary }, formatSummary(summary, session.view));
    return undefined;
  } catch (error) {
    if (signal.aborted) return undefined;
    const reason = lost.signal.aborted ? (lost.signal.reason as Error).message : (error as Error).message;
    session.view.error(errorCodeOf(error), `job ${jobId}: ${reason}`, { jobId });
    return error instanceof MixpanelGdprError && !lost.signal.aborted
      ? WORKER_DEFAULTS.retryMs
      : WORKER_DEFAULTS.storeRetryMs;
  } finally {
    lost.abort();
    await Promise.resolve(alive).catch(() => {});
    await shared.leases.release(lease).catch(() => {});
  }
}
