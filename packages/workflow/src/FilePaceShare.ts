import { constants } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { CLIENT_DEFAULTS, type Sleep } from '@mixpanel-gdpr/client';
import { WORKFLOW_DEFAULTS } from './defaults.js';
import { openPrivateFile } from './ledger/openPrivateFile.js';
import { waitForLock } from './ledger/waitForLock.js';
import type { PaceShare, Priority } from './RateLimiter.js';
import { RoundTripFloor } from './RoundTripFloor.js';

/**
 * How far ahead of our clock the file's time may be and still be believed,
 * beyond the longest 429 backoff: further, the clock was set back or the
 * file edited, and believing it would stall every process in silence.
 * @default 60_000 ms
 */
const FUTURE_TOLERANCE_MS = 60_000;
/** A reservation that must wait sleeps at most this long before looking again (a 429 elsewhere may push it out). */
const MAX_NAP_MS = 1_000;
const PACE_FORMAT = /^\d{1,15}(\.\d{1,6})?\n?$/;
/**
 * A granted request holds the pace until its answer (`answered`): only then
 * is the next one granted, in any process, as `RateLimiter` does inside
 * one. Arrivals are what count, and a request can arrive late after its
 * grant (a new connection, a process starting, a busy CPU): spacing grants
 * alone let two requests of two processes arrive together. A process that
 * dies mid-request holds it this long at most.
 * @default 30_000 ms
 */
const IN_FLIGHT_HOLD_MS = 30_000;
/** While another process's request is in flight, look again this often. */
const IN_FLIGHT_NAP_MS = 20;
/**
 * How long before its slot a reservation may be made (`PaceShare.reservesAheadMs`): it takes the lock,
 * reads and writes the file, a few milliseconds (tens on a busy machine) that would otherwise sit between
 * two requests. Short, so that another process waiting for the pace still gets its turn.
 * @default 50 ms
 */
const RESERVE_AHEAD_MS = 50;

export interface FilePaceShareOptions {
  /** Told once about a pace file that is ignored or cannot be written. */
  warn?: (message: string) => void;
  /** @default WORKFLOW_DEFAULTS.rateLimitBackoffMs */
  rateLimitBackoffMs?: number;
  /** @default WORKFLOW_DEFAULTS.rateLimitMaxBackoffMs */
  rateLimitMaxBackoffMs?: number;
  now?: () => number;
  sleep?: Sleep;
  /** Called with each reserved time (epoch ms), for tests. */
  onReserve?: (atMs: number) => void;
}

/**
 * One project's pace shared by the processes on one machine, through the
 * pace file next to the ledger (`<ledger>[.<project>].last-request`). The
 * file holds one time, epoch ms, as 0.2 wrote it: the last request's. A
 * reservation takes the file's short lock, and is granted at
 * max(now, time + interval), writing that time; if that is later, it
 * sleeps outside the lock and tries again. A 429 writes a time such that
 * the next grant comes after the backoff, so every process backs off.
 * Submit-before-poll holds inside each process only (`RateLimiter`).
 */
export class FilePaceShare implements PaceShare {
  #warned = false;
  #consecutive429 = 0;
  readonly #now: () => number;
  readonly #sleep: Sleep;
  #intervalMs = 0;
  /** When this share's request in flight was granted, and its round trips so far (see `RoundTripFloor`). */
  #inFlightSince: number | undefined;
  /** What the grant wrote (the hold), to know whether anyone wrote since. */
  #held: number | undefined;
  /** The time a 429 of ours asks for (as written to the file), which an answer must not lower. */
  #backoff = Number.NEGATIVE_INFINITY;
  #floor = new RoundTripFloor();
  /** This share's own file updates, in the order they were asked for (an answer before the next reservation). */
  #queue: Promise<unknown> = Promise.resolve();
  readonly reservesAheadMs = RESERVE_AHEAD_MS;

  constructor(
    readonly path: string,
    private readonly options: FilePaceShareOptions = {},
  ) {
    this.#now = options.now ?? CLIENT_DEFAULTS.now;
    this.#sleep = options.sleep ?? CLIENT_DEFAULTS.sleep;
  }

  /** Resolves at the granted time (epoch ms): a slot less than `reservesAheadMs` away is reserved at once, then waited for. */
  async reserve(_priority: Priority, intervalMs: number, signal: AbortSignal, notBeforeMs = 0): Promise<number> {
    this.#intervalMs = intervalMs;
    for (;;) {
      signal.throwIfAborted();
      let granted: number | undefined;
      const waitMs = await this.#update((last, now) => {
        const at = Math.max(now, notBeforeMs, last === undefined ? now : last + intervalMs);
        if (at - now > Math.min(intervalMs, RESERVE_AHEAD_MS)) return { result: at - now };
        granted = at;
        // Held as if sent IN_FLIGHT_HOLD_MS from the grant, until `answered` says when to go on.
        this.#held = Math.ceil(at + IN_FLIGHT_HOLD_MS - intervalMs);
        return { write: this.#held, result: at - now };
      });
      if (granted !== undefined) {
        if (waitMs > 0) await this.#waitForSlot(waitMs, signal, granted - intervalMs);
        this.#inFlightSince = granted;
        this.options.onReserve?.(granted);
        return granted;
      }
      const heldMs = IN_FLIGHT_HOLD_MS + intervalMs;
      await this.#sleep(Math.min(waitMs, waitMs <= heldMs ? IN_FLIGHT_NAP_MS : MAX_NAP_MS), signal);
    }
  }

  /**
   * Waits for a slot reserved ahead. Aborted meanwhile, nothing will be sent: the slot is given back (the
   * file then lets the next request go at that slot, as before the reservation) and the abort rethrown.
   */
  async #waitForSlot(waitMs: number, signal: AbortSignal, slotLessIntervalMs: number): Promise<void> {
    try {
      await this.#sleep(waitMs, signal);
    } catch (error) {
      const held = this.#held;
      await this.#update((last) => ({ ...(last === held && { write: slotLessIntervalMs }), result: undefined }));
      throw error;
    }
  }

  /** The next grant, in any process, comes 1/rate after this answer, less the round trip's floor (see `RoundTripFloor`). */
  async answered(roundTripMs: number): Promise<void> {
    if (this.#inFlightSince === undefined) return;
    // The answer came now, not when the lock below is taken: counting from then would space requests further.
    const answeredAt = this.#now();
    this.#inFlightSince = undefined;
    // 0: a grant given back unused (see `RateLimiter`), not a round trip: it must not become the fastest one.
    const floorMs = roundTripMs > 0 ? this.#floor.next(roundTripMs) : 0;
    const held = this.#held;
    await this.#update((last) => {
      const next = Math.max(answeredAt - floorMs, this.#backoff);
      // Only our own hold is lowered: a request granted elsewhere once the hold ran out keeps its own.
      return last === held || last === undefined || next > last
        ? { write: next, result: undefined }
        : { result: undefined };
    });
  }

  async rateLimited(retryAfterMs: number | undefined): Promise<void> {
    this.#consecutive429++;
    const cap = this.options.rateLimitMaxBackoffMs ?? WORKFLOW_DEFAULTS.rateLimitMaxBackoffMs;
    const first = this.options.rateLimitBackoffMs ?? WORKFLOW_DEFAULTS.rateLimitBackoffMs;
    const waitMs = Math.min(cap, retryAfterMs ?? first * 2 ** (this.#consecutive429 - 1));
    // The file says when the last request went; pretending it went (wait - interval) from now makes the next grant wait.
    await this.#update((last, now) => {
      const pretend = now + waitMs - this.#intervalMs;
      this.#backoff = pretend;
      return last !== undefined && last >= pretend ? { result: undefined } : { write: pretend, result: undefined };
    });
  }

  /** Resolves once every update asked for so far is in the file (call before the process exits). */
  async flush(): Promise<void> {
    await this.#queue;
  }

  async succeeded(): Promise<void> {
    this.#consecutive429 = 0;
    this.#backoff = Number.NEGATIVE_INFINITY;
  }

  /** Reads the file's time and maybe writes a new one, under the pace file's lock. */
  #update<T>(step: (last: number | undefined, now: number) => { write?: number; result: T }): Promise<T> {
    const next = this.#queue.then(async () => {
      const lock = await waitForLock(`${this.path}.lock`, { sweep: false });
      try {
        const now = this.#now();
        const { write, result } = step(await this.#read(now), now);
        if (write !== undefined) await this.#write(write);
        return result;
      } finally {
        await lock.release();
      }
    });
    this.#queue = next.catch(() => {});
    return next;
  }

  async #read(now: number): Promise<number | undefined> {
    let text: string;
    try {
      const handle = await openPrivateFile(this.path, constants.O_RDONLY, 'pace file');
      try {
        text = (await handle.readFile('utf8')).slice(0, 64);
      } finally {
        await handle.close();
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        this.#warn(`ignoring the time of the last request: ${(error as Error).message}`);
      return undefined;
    }
    if (!PACE_FORMAT.test(text))
      return this.#warn(
        `ignoring pace file ${this.path}: it should hold the time of the last request in epoch ms, not ${JSON.stringify(text.slice(0, 20))}`,
      );
    const at = Number(text);
    const cap = (this.options.rateLimitMaxBackoffMs ?? WORKFLOW_DEFAULTS.rateLimitMaxBackoffMs) + FUTURE_TOLERANCE_MS;
    if (at - now > cap)
      return this.#warn(
        `ignoring pace file ${this.path}: it says the last request was sent at ${new Date(at).toISOString()}, ${Math.round((at - now) / 1000)} s from now (was the clock set back?)`,
      );
    return at;
  }

  /** Whole to a fresh file renamed over the old: a reader (0.2 included) sees the old time or the new. Rounded up: erring late keeps the pace. */
  async #write(atMs: number): Promise<void> {
    const temp = `${this.path}.new`;
    try {
      // We hold the lock: a leftover is from a process killed between open and rename.
      await rm(temp, { force: true });
      const handle = await openPrivateFile(
        temp,
        constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL,
        'pace file',
      );
      try {
        await handle.writeFile(`${Math.ceil(atMs)}\n`);
      } finally {
        await handle.close();
      }
      await rename(temp, this.path);
    } catch (error) {
      this.#warn(
        `could not record the time of the last request in ${this.path} (${(error as Error).message}): other commands may not keep the pace`,
      );
    }
  }

  #warn(message: string): undefined {
    if (!this.#warned) this.options.warn?.(message);
    this.#warned = true;
    return undefined;
  }
}
