export interface PaceBackoffOptions {
  /** First wait after a 429 without Retry-After, in ms; doubles per consecutive 429. */
  rateLimitBackoffMs: number;
  /** Cap on that wait and on the server's Retry-After, in ms. */
  rateLimitMaxBackoffMs: number;
}

/**
 * The wait after the `consecutive429`th 429 in a row, in ms: the server's
 * Retry-After wins, but within the cap (a Retry-After of a week, broken or
 * hostile, would otherwise park the project for a week). The same rule as
 * the workflow's in-process `RateLimiter.rateLimited`.
 */
export function paceBackoffMs(
  consecutive429: number,
  retryAfterMs: number | undefined,
  options: PaceBackoffOptions,
): number {
  const cap = options.rateLimitMaxBackoffMs;
  // The exponent is bounded so 2 ** n stays finite however long the 429s go on.
  const doubled = options.rateLimitBackoffMs * 2 ** Math.min(Math.max(consecutive429 - 1, 0), 40);
  const hinted = retryAfterMs !== undefined && Number.isFinite(retryAfterMs) ? Math.max(0, retryAfterMs) : undefined;
  return Math.min(cap, hinted ?? doubled);
}
