export interface RetryDelayOptions {
  /** Wait after the first failed attempt, in ms. */
  firstRetryDelayMs: number;
  /** Longest wait before jitter, in ms. */
  maxRetryDelayMs: number;
  /** ± fraction of random spread. */
  retryJitter: number;
}

/**
 * Wait after failed attempt number `attempt` (1 for the first), in ms:
 * `firstRetryDelayMs` doubling per attempt up to `maxRetryDelayMs`, spread
 * by ± `retryJitter` with `random()` in [0, 1).
 */
export function callbackRetryDelayMs(attempt: number, random: () => number, o: RetryDelayOptions): number {
  // 2^40 is far past any cap; bounding the exponent keeps the product finite.
  const base = Math.min(o.maxRetryDelayMs, o.firstRetryDelayMs * 2 ** Math.min(Math.max(attempt - 1, 0), 40));
  return Math.round(base * (1 - o.retryJitter + 2 * o.retryJitter * random()));
}
