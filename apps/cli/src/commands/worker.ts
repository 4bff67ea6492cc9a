import { resolve } from 'node:path';
import { MixpanelGdprError } from '@mixpanel-gdpr/client';
import { jobProject, WORKFLOW_DEFAULTS } from '@mixpanel-gdpr/workflow';
import type { GlobalOptions } from '../config.js';
import { positive } from '../config.js';
import { errorCodeOf } from '../errorCodeOf.js';
import { EXIT } from '../exitCodes.js';
import { formatSummary } from '../formatSummary.js';
import { openSession, type Session } from '../openSession.js';
import { type Held, tryHold } from '../tryHold.js';
import { withPlanLock } from '../withPlanLock.js';
import { WORKER_DEFAULTS } from './workerDefaults.js';

export interface WorkerOptions {
  concurrency?: string;
  leaseMs?: string;
  idleMs?: string;
  batchWindowMs?: string;
  /** Where access requests' exports are written (each under its request id). */
  out?: string;
}

/** How a work loop runs: `worker` and `serve` each set these from their flags. */
export interface WorkSettings {
  concurrency: number;
  leaseMs: number;
  idleMs: number;
  planAfterMs: number;
  /** Absolute: exports are found again by any process, whatever its working directory. */
  exportDir: string;
}

export function workSettings(o: WorkerOptions): WorkSettings {
  return {
    concurrency: positive(o.concurrency, '--concurrency') ?? WORKER_DEFAULTS.concurrency,
    leaseMs: positive(o.leaseMs, '--lease-ms') ?? WORKER_DEFAULTS.leaseMs,
    idleMs: positive(o.idleMs, '--idle-ms') ?? WORKER_DEFAULTS.idleMs,
    planAfterMs: positive(o.batchWindowMs, '--batch-window-ms') ?? WORKER_DEFAULTS.planAfterMs,
    exportDir: resolve(o.out ?? WORKFLOW_DEFAULTS.exportDir),
  };
}

/**
 * Runs continuously against the store: takes unfinished jobs (the most
 * urgent requests first), submits, polls and downloads them at each
 * project's one pace, and records everything; several workers share the
 * work. On PostgreSQL a job is held under a lease and new work wakes it
 * (LISTEN/NOTIFY); on the file store under its run lock. SIGTERM settles the
 * request in flight, releases what it holds and exits; after a SIGKILL,
 * leases expire and other workers carry on, resending only what is
 * recorded as "outcome unknown".
 */
export async function worker(o: WorkerOptions, globals: GlobalOptions, signal: AbortSignal): Promise<number> {
  const settings = workSettings(o);
  const session = await openSession(globals);
  try {
    const loop = await startWorkLoop(session, settings, signal);
    await loop.done;
  } finally {
    await session.close();
  }
  return signal.aborted ? EXIT.interrupted : EXIT.ok;
}

export interface WorkLoop {
  /** Look for work now (new requests were recorded in this process). */
  wake(): void;
  /** Settles once the signal aborted and every job it ran has stopped. */
  done: Promise<void>;
}

export async function startWorkLoop(session: Session, settings: WorkSettings, signal: AbortSignal): Promise<WorkLoop> {
  const shared = session.store.postgres;
  const running = new Map<string, Promise<void>>();
  /** Jobs this worker failed to run, and when it may try each again (epoch ms). */
  const notBefore = new Map<string, number>();
  let wake = () => {};
  let woken = false;
  const unsubscribe = shared ? await shared.ledger.onChange(() => wake()) : async () => {};
  const where = shared ? `worker ${shared.owner}` : `pid ${process.pid} on ${session.config.ledgerPath}`;
  session.view.info(`${where}: taking jobs of ${[...session.projects.keys()].join(', ')}`);
  const claim = (jobId: string) =>
    tryHold(
      session,
      { lease: shared ? shared.module.jobLease(jobId) : '', runLock: jobId, what: `job ${jobId}` },
      settings.leaseMs,
      signal,
    );

  const loop = async () => {
    try {
      while (!signal.aborted) {
        let sleepMs = settings.idleMs;
        try {
          await session.ledger.refresh();
          await planWaiting(session, settings, signal);
          for (const jobId of candidates(session, running, notBefore)) {
            if (running.size >= settings.concurrency || signal.aborted) break;
            const held = await claim(jobId);
            if (!held) continue;
            const run = runJob(session, jobId, held, signal)
              .then((retryAt) => void (retryAt === undefined ? notBefore.delete(jobId) : notBefore.set(jobId, retryAt)))
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
          const timer = setTimeout(done, sleepMs);
          function done() {
            clearTimeout(timer);
            signal.removeEventListener('abort', done);
            resolve();
          }
          // Every append anywhere announces itself: at most one pass per `storeRetryMs`, or three busy workers
          // would keep the database (and their own lease renewals) waiting.
          wake = () => setTimeout(done, Math.max(0, passEndedAt + WORKER_DEFAULTS.storeRetryMs - Date.now()));
          if (woken) wake();
          woken = false;
          signal.addEventListener('abort', done, { once: true });
        });
      }
    } finally {
      await Promise.allSettled(running.values());
      await unsubscribe().catch(() => {});
    }
  };
  return {
    wake: () => {
      woken = true;
      wake();
    },
    done: loop(),
  };
}

/**
 * Plans the jobs of requests recorded without them, when the desk says a
 * pass is due (`readyToPlan`: requests filed one by one wait up to
 * `planAfterMs` to share batches): one planner at a time (the `plan` lease,
 * or the file store's plan lock), so that no request is planned twice.
 */
async function planWaiting(session: Session, settings: WorkSettings, signal: AbortSignal): Promise<void> {
  const ready = session.desk.readyToPlan(settings.planAfterMs);
  if (!ready) return;
  await withPlanLock(session, () => session.desk.planReady(ready, { signal, exportDir: settings.exportDir }), {
    wait: false,
    leaseMs: settings.leaseMs,
    signal,
  });
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
        // Let go with only polls left (the ledger's `job.waiting`): nobody takes it up before its next poll.
        // Cheap, so checked before the summary.
        !(j.nextPollAt !== undefined && j.nextPollAt > now) &&
        session.projects.has(jobProject(j)) &&
        !session.workflow.summary(j.jobId).complete,
    )
    .map((j) => j.jobId);
  return session.desk.jobsByUrgency(jobs);
}

/**
 * Runs one job while it is held: to its end, or until it only waits on
 * polls due later than `leaveIdleAfterMs` (a deletion is polled every few
 * hours for weeks: holding it would hold a lease and a slot of
 * `concurrency` for nothing). That wait is in the ledger (`job.waiting`),
 * for every worker. Resolves with when this worker may try it again after
 * a failure (epoch ms): after Mixpanel refused (credentials, a wrong region)
 * a minute; after the store failed a second. Undefined otherwise.
 */
async function runJob(session: Session, jobId: string, held: Held, signal: AbortSignal): Promise<number | undefined> {
  const both = AbortSignal.any([signal, held.lost]);
  try {
    await session.ledger.refresh();
    const job = session.ledger.state.jobs.get(jobId)!;
    const summary = await session
      .workflowFor(job)
      .run(jobId, { signal: both, wait: true, leaveIdleAfterMs: WORKER_DEFAULTS.leaveIdleAfterMs });
    // Let go with only polls left (`nextPollAt`): not done, so no summary yet.
    if (summary.nextPollAt === undefined)
      session.view.result({ type: 'summary', ...summary }, formatSummary(summary, session.view));
    return undefined;
  } catch (error) {
    if (signal.aborted) return undefined;
    const reason = held.lost.aborted ? (held.lost.reason as Error).message : (error as Error).message;
    session.view.error(errorCodeOf(error), `job ${jobId}: ${reason}`, { jobId });
    return (
      Date.now() +
      (error instanceof MixpanelGdprError && !held.lost.aborted
        ? WORKER_DEFAULTS.retryMs
        : WORKER_DEFAULTS.storeRetryMs)
    );
  } finally {
    await held.release();
  }
}
