import { CLIENT_DEFAULTS, type Sleep } from '@mixpanel-gdpr/client';
import { type HeldLock, LockHeldError, takeLock } from './takeLock.js';

/**
 * How long a short lock (the ledger's, held for one append; a pace file's,
 * held for one read and write) is waited for. Its holder keeps it for
 * milliseconds: still held after this long, something is wrong (a process
 * stopped with SIGSTOP, a disk that hangs), and the error says who holds it.
 * @default 30_000 ms
 */
export const LOCK_WAIT_MS = 30_000;
/** First pause between tries; doubles up to `MAX_PAUSE_MS`, with jitter so waiters do not take turns in lockstep. */
const FIRST_PAUSE_MS = 2;
const MAX_PAUSE_MS = 50;

export interface WaitForLockOptions {
  /** @default LOCK_WAIT_MS */
  waitMs?: number;
  now?: () => number;
  sleep?: Sleep;
  random?: () => number;
  signal?: AbortSignal;
  /** Also remove leftovers of old takeovers (see `takeLock`): once per open is enough. @default true */
  sweep?: boolean;
}

/**
 * Takes the lock at `lockPath` (see `takeLock`), waiting while another live
 * process holds it. A stale lock is taken over at once, as `takeLock` does.
 */
export async function waitForLock(lockPath: string, options: WaitForLockOptions = {}): Promise<HeldLock> {
  const {
    waitMs = LOCK_WAIT_MS,
    now = CLIENT_DEFAULTS.now,
    sleep = CLIENT_DEFAULTS.sleep,
    random = Math.random,
  } = options;
  const deadline = now() + waitMs;
  for (let pause = FIRST_PAUSE_MS; ; pause = Math.min(MAX_PAUSE_MS, pause * 2)) {
    try {
      return await takeLock(lockPath, { now, sweep: options.sweep ?? true });
    } catch (error) {
      if (!(error instanceof LockHeldError)) throw error;
      if (now() >= deadline)
        throw new LockHeldError(
          `${error.message.replace(/; wait for it.*$/, '')}: still held after ${Math.round(waitMs / 1000)} s (is that process stopped?)`,
          error.pid,
        );
      await sleep(pause * (0.5 + random()), options.signal);
    }
  }
}
