import { setTimeout as delay } from 'node:timers/promises';
import { type Priority, WORKFLOW_DEFAULTS } from '@mixpanel-gdpr/workflow';
import type pg from 'pg';
import { paceBackoffMs } from './paceBackoffMs.js';
import { sql } from './sql.js';
import { withTransaction } from './withTransaction.js';

export interface SharedPaceOptions {
  /** First wait after a 429 without Retry-After, in ms; doubles per consecutive 429. @default WORKFLOW_DEFAULTS.rateLimitBackoffMs (2 s) */
  rateLimitBackoffMs?: number;
  /** Cap on that wait and on a Retry-After, in ms. @default WORKFLOW_DEFAULTS.rateLimitMaxBackoffMs (4 h) */
  rateLimitMaxBackoffMs?: number;
  /**
   * How long past its wake-up a waiting submission still holds polls back,
   * in ms: covers a late timer and a round trip to the database. A submission
   * that gave up (aborted, its worker died) holds them back this long at most.
   * @default SUBMIT_GRACE_MS (500)
   */
  submitGraceMs?: number;
  /**
   * Extra spacing between grants, as a fraction of the interval: a grant
   * reaches Mixpanel after a commit, a round trip back to its worker and the
   * send, and those delays differ between processes and machines, so two
   * grants exactly `intervalMs` apart can arrive closer. @default SPACING_MARGIN (0.05)
   */
  spacingMargin?: number;
  /**
   * Longest a granted request holds the next one back after its worker last
   * said it still waits for the answer, in ms: the worker says so every
   * quarter of this while it waits (see `IN_FLIGHT_HOLD_MAX_MS`), so only a
   * dead or stuck worker lets the pace go on early. 0: grants never wait for
   * answers. @default IN_FLIGHT_MAX_MS (5 000)
   */
  inFlightMaxMs?: number;
  /**
   * A slot at most this far away is granted at once and waited for in the
   * worker, in ms (see GRANT_AHEAD_MS). @default GRANT_AHEAD_MS (30)
   */
  grantAheadMs?: number;
  /** Waits `ms`, rejecting when `signal` aborts. @default node:timers/promises setTimeout */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Calls `tick` every `ms` until the returned function is called. @default setInterval, not keeping the process alive */
  every?: (ms: number, tick: () => void) => () => void;
}

export interface AcquireOptions {
  signal?: AbortSignal;
  /** Submissions go before polls. @default 'submit' */
  priority?: Priority;
}

/** See `SharedPaceOptions.submitGraceMs`. */
export const SUBMIT_GRACE_MS = 500;
/** How often a waiter looks again while another worker's request is in flight, in ms. */
const IN_FLIGHT_POLL_MS = 20;
/** See `SharedPaceOptions.inFlightMaxMs`. */
export const IN_FLIGHT_MAX_MS = 5_000;
/**
 * How long a worker keeps saying that its request still waits for an
 * answer, in ms: longer than the client waits for one (30 s by default,
 * retries included), and a bound on how long a grant whose answer was never
 * reported (a bug) can hold every worker back.
 */
export const IN_FLIGHT_HOLD_MAX_MS = 120_000;
/** See `SharedPaceOptions.spacingMargin`: 5 % of the rate, within Mixpanel's tolerance for bursts it never sees. */
export const SPACING_MARGIN = 0.05;
/**
 * See `SharedPaceOptions.grantAheadMs`. A slot this close is granted now, and waited for in the worker, in ms: a
 * grant made once the slot has come costs a wake-up and a transaction (15 to
 * 25 ms on a busy machine) between two requests, a tenth of the interval at
 * 5 requests a second. A waiter wakes this much before the slot, halved.
 */
const GRANT_AHEAD_MS = 30;

const defaultSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  delay(ms, undefined, signal ? { signal } : {});

const defaultEvery = (ms: number, tick: () => void): (() => void) => {
  const timer = setInterval(tick, ms).unref();
  return () => clearInterval(timer);
};

/**
 * One pace per Mixpanel project for every worker on one database, on the
 * database's clock (`clock_timestamp()`), so workers whose clocks disagree
 * still keep their requests `intervalMs` apart between them.
 *
 * A grant is one short transaction on the project's `mgdpr_pace` row (locked
 * `FOR UPDATE`): if the row's `next_at` and `backoff_until` have passed, it
 * moves `next_at` to now + interval and grants; otherwise the caller sleeps,
 * outside any transaction, and tries again.
 *
 * Submit before poll: a submission that has to wait writes
 * `waiting_submit_until` (its wake-up plus a grace), and a poll waits that
 * out too, so whoever wakes first, the slot goes to the submission. A column
 * with an expiry, not a count of waiters or an advisory lock: a waiter that
 * dies cannot leave it set for longer than its grace, and nothing has to be
 * released. The submission that is granted clears it unless another one
 * has since written a later time (it is still waiting).
 */
export class SharedPace {
  readonly #backoff: { rateLimitBackoffMs: number; rateLimitMaxBackoffMs: number };
  readonly #graceMs: number;
  readonly #margin: number;
  readonly #inFlightMaxMs: number;
  readonly #aheadMs: number;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly #every: (ms: number, tick: () => void) => () => void;
  /** The grants of this worker still waiting for their answers (project and grant µs), each with its stop. */
  readonly #holding = new Map<string, () => void>();

  constructor(
    private readonly pool: pg.Pool,
    options: SharedPaceOptions = {},
  ) {
    this.#backoff = {
      rateLimitBackoffMs: nonNegative(
        'rateLimitBackoffMs',
        options.rateLimitBackoffMs,
        WORKFLOW_DEFAULTS.rateLimitBackoffMs,
      ),
      rateLimitMaxBackoffMs: nonNegative(
        'rateLimitMaxBackoffMs',
        options.rateLimitMaxBackoffMs,
        WORKFLOW_DEFAULTS.rateLimitMaxBackoffMs,
      ),
    };
    this.#graceMs = nonNegative('submitGraceMs', options.submitGraceMs, SUBMIT_GRACE_MS);
    this.#margin = nonNegative('spacingMargin', options.spacingMargin, SPACING_MARGIN);
    this.#inFlightMaxMs = nonNegative('inFlightMaxMs', options.inFlightMaxMs, IN_FLIGHT_MAX_MS);
    this.#aheadMs = nonNegative('grantAheadMs', options.grantAheadMs, GRANT_AHEAD_MS);
    this.#sleep = options.sleep ?? defaultSleep;
    this.#every = options.every ?? defaultEvery;
  }

  /**
   * Resolves when this caller may send one request to `project`, with the
   * time of the grant: the database's clock, epoch ms (to the microsecond).
   */
  async acquire(project: string, intervalMs: number, options: AcquireOptions = {}): Promise<number> {
    if (!project) throw new TypeError(`project must be a non-empty string (got ${JSON.stringify(project)})`);
    if (!(intervalMs > 0) || !Number.isFinite(intervalMs))
      throw new TypeError(`intervalMs must be a positive number of ms (got ${intervalMs})`);
    const priority = options.priority ?? 'submit';
    /** The `waiting_submit_until` this submission wrote, epoch µs. */
    let declaredUs: string | null = null;
    for (;;) {
      options.signal?.throwIfAborted();
      const step = await withTransaction(this.pool, async (client) => {
        await client.query(sql.ensurePace, [project]);
        const { rows } = await client.query<{ wait_ms: string; in_flight: boolean; submit_waiting: boolean }>(
          sql.lockPace,
          [project, priority],
        );
        // A request in flight ends with its answer, not at a known time: look again soon.
        const waitMs = rows[0]!.in_flight
          ? Math.min(Number(rows[0]!.wait_ms), IN_FLIGHT_POLL_MS)
          : Number(rows[0]!.wait_ms);
        // Not a poll while a submission waits (the slot is the submission's), nor while a request is in flight.
        const mayGoAhead = !rows[0]!.in_flight && (priority === 'submit' || !rows[0]!.submit_waiting);
        const ahead = mayGoAhead && waitMs > 0 && waitMs <= this.#aheadMs;
        if (waitMs > 0 && !ahead) {
          if (priority === 'submit') {
            const declared = await client.query<{ until_us: string }>(sql.declareSubmit, [
              project,
              waitMs + this.#graceMs,
            ]);
            declaredUs = declared.rows[0]!.until_us;
          }
          // Wake a little before the slot, to be granted it ahead (see GRANT_AHEAD_MS).
          return { waitMs: mayGoAhead ? Math.max(1, waitMs - this.#aheadMs / 2) : waitMs };
        }
        const spacingMs = intervalMs * (1 + this.#margin);
        const aheadMs = Math.max(0, waitMs);
        const granted = await client.query<{ granted_us: string }>(sql.grantPace, [
          project,
          spacingMs,
          declaredUs,
          this.#inFlightMaxMs,
          aheadMs,
        ]);
        return {
          grantedMs: Number(granted.rows[0]!.granted_us) / 1000,
          aheadMs,
          grantedUs: granted.rows[0]!.granted_us,
        };
      });
      if (step.grantedMs !== undefined) {
        this.#hold(project, step.grantedUs);
        if (step.aheadMs > 0) await this.#waitForSlot(project, step.aheadMs, step.grantedUs, options.signal);
        return step.grantedMs;
      }
      await this.#sleep(step.waitMs, options.signal);
    }
  }

  /** Waits for a slot granted ahead; given up meanwhile, the slot is given back and the abort rethrown. */
  async #waitForSlot(project: string, ms: number, grantedUs: string, signal: AbortSignal | undefined): Promise<void> {
    try {
      await this.#sleep(ms, signal);
    } catch (error) {
      this.#letGo(project, grantedUs);
      await this.pool.query(sql.releasePace, [project, grantedUs]).catch(() => {});
      throw error;
    }
  }

  /**
   * Keeps the grant in flight while this worker waits for its answer: an
   * answer can take longer than `inFlightMaxMs` (a slow server, or one too
   * busy to read the request yet), and another worker sending meanwhile
   * could arrive right behind it. Best effort: a failed renewal only lets the
   * pace go on as if this worker had died.
   */
  #hold(project: string, grantedUs: string): void {
    if (this.#inFlightMaxMs === 0) return;
    const key = `${project} ${grantedUs}`;
    // Monotonic: a wall clock set back must not stretch the hold.
    const until = performance.now() + IN_FLIGHT_HOLD_MAX_MS;
    const stop = this.#every(this.#inFlightMaxMs / 4, () => {
      if (performance.now() > until) return this.#letGo(project, grantedUs);
      this.pool.query(sql.holdPace, [project, grantedUs, this.#inFlightMaxMs]).catch(() => {});
    });
    this.#holding.set(key, stop);
  }

  #letGo(project: string, grantedUs: string): void {
    const key = `${project} ${grantedUs}`;
    this.#holding.get(key)?.();
    this.#holding.delete(key);
  }

  /**
   * The request of the grant made at `grantedMs` has its answer: the next
   * may be granted `intervalMs` less `floorMs` (the part of the worker's
   * round trips sure to come after arrival, see `RoundTripFloor`) from now,
   * which keeps requests one interval apart where they arrive, at Mixpanel,
   * whatever delays a worker between its grant and its send (see
   * `RateLimiter`). A late answer (its grant timed out and another was made)
   * changes nothing.
   */
  async answered(project: string, grantedMs: number, intervalMs: number, floorMs: number): Promise<void> {
    const spacingMs = intervalMs * (1 + this.#margin);
    const grantedUs = String(Math.round(grantedMs * 1000));
    this.#letGo(project, grantedUs);
    await this.pool.query(sql.answerPace, [project, grantedUs, Math.max(0, spacingMs - floorMs)]);
  }

  /**
   * Records a 429 for `project`: no worker is granted before the backoff
   * (or the server's Retry-After, within the cap) has passed. Resolves with
   * that wait, in ms.
   */
  async backoff(project: string, retryAfterMs?: number): Promise<number> {
    return withTransaction(this.pool, async (client) => {
      await client.query(sql.ensurePace, [project]);
      const { rows } = await client.query<{ consecutive_429: number }>(sql.lockPaceRow, [project]);
      const consecutive = rows[0]!.consecutive_429 + 1;
      const waitMs = paceBackoffMs(consecutive, retryAfterMs, this.#backoff);
      await client.query(sql.backoffPace, [project, waitMs, consecutive]);
      return waitMs;
    });
  }

  /** Records a request that was not rate limited: the 429 backoff starts over. */
  async succeeded(project: string): Promise<void> {
    await this.pool.query(sql.resetPace, [project]);
  }
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(value >= 0) || !Number.isFinite(value))
    throw new TypeError(`${name} must be a number of ms ≥ 0 (got ${value})`);
  return value;
}
