/**
 * Round trips seen before a floor is trusted, the very first included (it is
 * not counted: mostly connection setup). The first requests of a process are
 * slow for reasons that do not last (a new connection, code not yet
 * compiled), and slow before they arrive: a floor taken from one of them
 * lets the next request arrive closer than 1/rate behind it, and a 429
 * follows (seen against the fake at 50 req/s: the third request, 18 ms
 * after the second). From the fifth answer on, the floor is the fastest of
 * at least four warm ones. Costs this many floors, once per process.
 * @default 5
 */
export const ROUND_TRIPS_BEFORE_FLOOR = 5;

/**
 * The fastest round trip seen, in ms: how much of the interval may already
 * have passed when an answer comes (see `RateLimiter`). One rule for the
 * limiter and for a pace shared across processes.
 */
export class RoundTripFloor {
  #seen = 0;
  #minMs = Number.POSITIVE_INFINITY;

  /** Notes one round trip and returns the floor to apply to its answer: 0 until enough are known. */
  next(roundTripMs: number): number {
    if (this.#seen++ > 0) this.#minMs = Math.min(this.#minMs, roundTripMs);
    return this.#seen >= ROUND_TRIPS_BEFORE_FLOOR ? this.#minMs : 0;
  }
}
