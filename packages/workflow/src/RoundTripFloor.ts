/**
 * Round trips seen before a floor is trusted, the very first included (it is
 * not counted: mostly connection setup). The first requests of a process are
 * slow for reasons that do not last (a new connection, code not yet
 * compiled), and slow before they arrive: a floor taken from one of them
 * lets the next request arrive closer than 1/rate behind it, and a 429
 * follows (seen against the fake at 50 req/s: the third request, 18 ms
 * after the second). Costs this many floors, once per process.
 * @default 5
 */
export const ROUND_TRIPS_BEFORE_FLOOR = 5;

/**
 * Recent round trips whose spread is taken from the floor (see
 * `RoundTripFloor`): one slow round trip withholds the credit for this many
 * answers.
 * @default 10
 */
export const ROUND_TRIP_WINDOW = 10;

/**
 * How much of the interval may already have passed when an answer comes, in
 * ms: the part of a round trip that came after the request arrived. One rule
 * for the limiter and for a pace shared across processes.
 *
 * A round trip is a leg there (our event loop, the network, the server's own
 * before it notes the arrival) and a leg back, and only their sum is seen. The
 * fastest round trip is not enough: when either leg varies, the previous
 * request's way back and the next one's way there can together be shorter
 * than it, and the next arrives early. Seen in CI on a loaded machine at 40
 * req/s: round trips of 24 to 105 ms, a floor of 23.7 ms, and the next
 * request 21 ms behind the previous one, a 429. So the floor is the fastest
 * round trip less the spread of the recent ones (slowest less fastest):
 * what every one of them is sure to have spent on its way back. Steady round
 * trips (a distant server at 1 request a second) keep most of the credit;
 * jittery ones (a busy machine on loopback) keep none, and requests are then
 * spaced from the answer.
 */
export class RoundTripFloor {
  #seen = 0;
  #minMs = Number.POSITIVE_INFINITY;
  readonly #recent: number[] = [];

  /** Notes one round trip and returns the floor to apply to its answer: 0 until enough are known. */
  next(roundTripMs: number): number {
    if (this.#seen++ === 0) return 0;
    this.#minMs = Math.min(this.#minMs, roundTripMs);
    this.#recent.push(roundTripMs);
    if (this.#recent.length > ROUND_TRIP_WINDOW) this.#recent.shift();
    if (this.#seen < ROUND_TRIPS_BEFORE_FLOOR) return 0;
    return Math.max(0, 2 * this.#minMs - Math.max(...this.#recent));
  }
}
