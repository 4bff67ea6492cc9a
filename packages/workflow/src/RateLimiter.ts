import { CLIENT_DEFAULTS, type Sleep } from '@mixpanel-gdpr/client';
import { RoundTripFloor } from './RoundTripFloor.js';

/**
 * Submissions are served before polls: polling uses what submissions leave.
 * Cancels queue as submissions too (see `callApi`'s `CALL_KINDS`).
 */
export type Priority = 'submit' | 'poll';

export interface RateLimiterOptions {
  /** Requests per second. */
  ratePerSecond: number;
  /** First wait after a 429 without Retry-After, in ms; doubles per consecutive 429. */
  rateLimitBackoffMs: number;
  /** Cap on that wait, in ms. */
  rateLimitMaxBackoffMs: number;
  /**
   * Epoch ms of the last request another process sent for this project (say,
   * the previous command), so this one does not start within 1/rate of it.
   */
  lastRequestAt?: number;
  /** Called with each grant's time, to hand it on to the next process. */
  onGrant?: (atMs: number) => void;
  /**
   * The project's pace shared with other processes and machines (the pace
   * row in PostgreSQL): each grant also waits for, and reserves, a slot
   * there. This limiter's own rules (one request in flight, arrival spacing)
   * still hold inside the process.
   */
  share?: PaceShare;
  now?: () => number;
  sleep?: Sleep;
}

/** Tells a shared pace that the request it granted has its answer. */
export type AnsweredHook = (floorMs: number) => Promise<unknown>;

/** One pace per Mixpanel project across processes: see `RateLimiterOptions.share`. */
export interface PaceShare {
  /**
   * Resolves once the shared pace allows one more request, which it then
   * counts as sent; optionally with a function to call when that request has
   * its answer (`floorMs`: see `RoundTripFloor`), for a pace that
   * spaces arrivals across processes as this limiter does within one.
   */
  reserve(priority: Priority, intervalMs: number, signal: AbortSignal, notBeforeMs?: number): Promise<unknown>;
  /**
   * For a share whose reservation itself takes time (the file one: a lock
   * and a few file operations, milliseconds on a busy machine): how long
   * before its slot the limiter may ask for it, in ms. Such a share reserves
   * the slot at once, for the later of its own next slot and `notBeforeMs`
   * (the limiter's), and resolves at that time: its cost then falls within
   * the wait instead of between two requests. Capped at one interval.
   * @default 0 (asked at the slot, as a share that grants on the spot must be)
   */
  readonly reservesAheadMs?: number;
  /** A 429: every process waits `retryAfterMs` or the shared backoff. */
  rateLimited(retryAfterMs: number | undefined): Promise<unknown>;
  /** A request that was not rate limited: the shared 429 backoff starts over. */
  succeeded(): Promise<unknown>;
  /**
   * The request last reserved has its answer (or failed), `roundTripMs`
   * after its grant. A share that cannot see arrivals (the file one) spaces
   * the next grant from here, as this limiter does inside the process.
   */
  answered?(roundTripMs: number): Promise<unknown>;
}

interface Waiter {
  priority: Priority;
  resolve: (release: Release) => void;
  reject: (error: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

/**
 * Epoch milliseconds with sub-millisecond precision. Date.now() rounds to the
 * millisecond, and at tens of requests per second two roundings can make a
 * gap look a couple of milliseconds shorter than it was.
 */
export const preciseNow = (): number => performance.timeOrigin + performance.now();

/** Called when the granted request has its answer (or has failed): the limiter may grant the next one. */
export type Release = () => void;

/**
 * One limiter for every request of a project in this process.
 *
 * What counts is when requests *arrive* at Mixpanel, at least 1/rate apart.
 * Spacing the sends is not enough: a request slowed on its way (a new
 * connection, a TLS handshake) arrives late, and the next one, sent on time,
 * arrives too close behind it and gets a 429. So one request is in flight at
 * a time, and the next is sent 1/rate after the previous one's answer, less
 * the part of a round trip sure to come after arrival (`RoundTripFloor`):
 * with steady round trips that is about 1/rate between sends, and after a
 * slow request, or while round trips vary, it waits as long as needed.
 *
 * There is no bucket of saved-up tokens: after a pause (a 429, an idle hour)
 * it never bursts above the limit. A 429 pushes the next grant out for
 * everyone, by the server's Retry-After or by a backoff that doubles per
 * consecutive 429, up to hours.
 */
export class RateLimiter {
  readonly intervalMs: number;
  #nextAt = 0;
  #consecutive429 = 0;
  #queue: Waiter[] = [];
  #running = false;
  /** When the request in flight was granted, if one is. */
  #inFlightSince: number | undefined;
  #onRelease: (() => void) | undefined;
  /** Stops the pump's sleep when every waiter has gone. */
  #pumpSleep: AbortController | undefined;
  #floor = new RoundTripFloor();
  /** The shared pace's hook for the grant about to be made (see `PaceShare.reserve`). */
  #sharedAnswered: AnsweredHook | undefined;
  #now: () => number;
  #sleep: Sleep;

  constructor(private readonly options: RateLimiterOptions) {
    if (!(options.ratePerSecond > 0) || !Number.isFinite(options.ratePerSecond)) {
      throw new TypeError(`ratePerSecond must be a positive number (got ${options.ratePerSecond})`);
    }
    this.intervalMs = 1000 / options.ratePerSecond;
    this.#now = options.now ?? preciseNow;
    this.#sleep = options.sleep ?? CLIENT_DEFAULTS.sleep;
    if (options.lastRequestAt !== undefined) this.#nextAt = options.lastRequestAt + this.intervalMs;
  }

  /** Resolves when this caller may send one request; call the returned `Release` once it has its answer. */
  acquire(priority: Priority, signal?: AbortSignal): Promise<Release> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const waiter: Waiter = { priority, resolve, reject, signal, onAbort: () => this.#drop(waiter) };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      // Submissions go ahead of every waiting poll, behind earlier submissions.
      const index = priority === 'submit' ? this.#queue.findIndex((w) => w.priority === 'poll') : -1;
      if (index === -1) this.#queue.push(waiter);
      else this.#queue.splice(index, 0, waiter);
      void this.#pump();
    });
  }

  /**
   * Records a 429: nobody is granted before `retryAfterMs` (or the backoff)
   * has passed. The server's hint wins, but within `rateLimitMaxBackoffMs`:
   * a Retry-After of a week (broken or hostile) would otherwise park the
   * project for a week. Returns the wait in ms.
   */
  rateLimited(retryAfterMs?: number): number {
    this.#consecutive429++;
    const cap = this.options.rateLimitMaxBackoffMs;
    const backoff = Math.min(cap, this.options.rateLimitBackoffMs * 2 ** (this.#consecutive429 - 1));
    const hinted = retryAfterMs !== undefined && Number.isFinite(retryAfterMs) ? Math.max(0, retryAfterMs) : undefined;
    const waitMs = Math.min(cap, hinted ?? backoff);
    this.#nextAt = Math.max(this.#nextAt, this.#now() + waitMs);
    // Best effort: the other processes learn of it at their next reservation; this one already waits.
    this.options.share?.rateLimited(retryAfterMs).catch(() => {});
    return waitMs;
  }

  /** Records a request that was not rate limited: the 429 backoff starts over. */
  succeeded(): void {
    if (this.#consecutive429 > 0) this.options.share?.succeeded().catch(() => {});
    this.#consecutive429 = 0;
  }

  /** Time until the next grant could happen, in ms (0 when idle). */
  get delayMs(): number {
    return Math.max(0, this.#nextAt - this.#now());
  }

  /** Requests waiting for a grant (the one in flight, if any, is not counted). */
  get waiting(): number {
    return this.#queue.length;
  }

  #releaseFor(grantedAt: number, sharedAnswered: AnsweredHook | undefined): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const answeredAt = this.#now();
      const roundTripMs = answeredAt - grantedAt;
      // Not trusted from the first few (see ROUND_TRIPS_BEFORE_FLOOR): they are slow before arrival.
      const floorMs = this.#floor.next(roundTripMs);
      // Best effort: a lost answer only holds the other processes back until the shared pace's in-flight limit.
      sharedAnswered?.(floorMs).catch(() => {});
      this.#nextAt = Math.max(this.#nextAt, answeredAt + this.intervalMs - floorMs);
      this.options.share?.answered?.(roundTripMs).catch(() => {});
      this.#inFlightSince = undefined;
      this.#onRelease?.();
      this.#onRelease = undefined;
    };
  }

  #drop(waiter: Waiter): void {
    const index = this.#queue.indexOf(waiter);
    if (index !== -1) this.#queue.splice(index, 1);
    waiter.reject(waiter.signal?.reason);
    // Nobody left to serve: stop the pump's timer, or a Ctrl-C during an hour-long 429 wait keeps the process alive for that hour.
    if (this.#queue.length === 0) this.#pumpSleep?.abort();
  }

  /**
   * Waits for a slot of the shared pace for the first waiter; false when
   * nobody is left to serve (or the reservation failed: the first waiter
   * gets the error, the others try again).
   */
  async #reserveShared(): Promise<boolean> {
    const head = this.#queue[0]!;
    this.#pumpSleep = new AbortController();
    try {
      const signal = this.#pumpSleep.signal;
      const reserved = await this.options.share!.reserve(head.priority, this.intervalMs, signal, this.#nextAt);
      this.#sharedAnswered = typeof reserved === 'function' ? (reserved as AnsweredHook) : undefined;
      if (this.#queue.length > 0) return true;
      // Granted, but its waiter has gone (aborted meanwhile): nothing will be sent, so give the slot back at
      // once, or the shared pace would hold every process until its in-flight limit.
      this.#sharedAnswered?.(0).catch(() => {});
      this.options.share?.answered?.(0).catch(() => {});
      this.#sharedAnswered = undefined;
      return false;
    } catch (error) {
      if (this.#pumpSleep.signal.aborted) return false;
      const index = this.#queue.indexOf(head);
      if (index !== -1) {
        this.#queue.splice(index, 1);
        head.signal?.removeEventListener('abort', head.onAbort);
        head.reject(error);
      }
      return false;
    } finally {
      this.#pumpSleep = undefined;
    }
  }

  async #pump(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      while (this.#queue.length > 0) {
        if (this.#inFlightSince !== undefined) {
          await new Promise<void>((resolve) => (this.#onRelease = resolve));
          continue;
        }
        const share = this.options.share;
        const aheadMs = share ? Math.min(this.intervalMs, share.reservesAheadMs ?? 0) : 0;
        const waitMs = this.#nextAt - aheadMs - this.#now();
        if (waitMs > 0) {
          this.#pumpSleep = new AbortController();
          // Rejects only when the queue emptied (see #drop); the loop condition then ends the pump.
          await this.#sleep(waitMs, this.#pumpSleep.signal).catch(() => {});
          this.#pumpSleep = undefined;
          continue; // a 429 may have pushed #nextAt further while we slept
        }
        if (share && !(await this.#reserveShared())) continue;
        const waiter = this.#queue.shift()!;
        waiter.signal?.removeEventListener('abort', waiter.onAbort);
        const grantedAt = this.#now();
        this.#nextAt = grantedAt + this.intervalMs;
        this.#inFlightSince = grantedAt;
        this.options.onGrant?.(grantedAt);
        waiter.resolve(this.#releaseFor(grantedAt, this.#sharedAnswered));
        this.#sharedAnswered = undefined;
      }
    } finally {
      this.#running = false;
    }
  }
}
