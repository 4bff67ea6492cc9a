/**
 * When to retry and how long to wait: small pure functions, so the whole
 * policy is tested without a network or a clock.
 */

export interface RetryDecisionInput {
  method: string;
  /** The HTTP status, or undefined when no response came back. */
  status?: number;
  /** For failures without a response: could the server have received the request? */
  neverSent?: boolean;
}

/**
 * Whether one failed attempt may be retried.
 *
 * Creates (POST) are not idempotent: resending one the server acted on makes a
 * second task, or a 409 against the first. So a POST is retried only where the
 * server cannot have acted on it; GET (status) and DELETE (cancel) are safe to
 * repeat.
 */
export function isRetryable({ method, status, neverSent }: RetryDecisionInput): boolean {
  const idempotent = method !== 'POST';
  if (status === undefined) {
    // Connection refused or DNS failure: nothing reached the server.
    if (neverSent) return true;
    // Reset mid-request or timed out: the server may have created a task.
    return idempotent;
  }
  // 429: rejected before any work (1 req/s limit or too many outstanding scans).
  if (status === 429) return true;
  // 5xx: the server failed, possibly after acting. Safe only to repeat reads and cancels.
  if (status >= 500 && status <= 599) return idempotent;
  // Any other 4xx will fail the same way again (409 repeats forever).
  return false;
}

/**
 * Parses `Retry-After` (delta-seconds or an HTTP date) to milliseconds.
 * Returns undefined for a missing or unparsable header.
 */
export function parseRetryAfterMs(header: string | null | undefined, nowMs: number): number | undefined {
  if (header == null) return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  // An HTTP date always names its weekday and month; this keeps Date.parse
  // from reading "-5" or "2026" as a year.
  const date = /[a-z]/i.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

export interface BackoffOptions {
  minRetryDelayMs: number;
  maxRetryDelayMs: number;
}

/**
 * Delay before retry number `retry` (0 for the first retry): capped
 * exponential backoff with equal jitter (half fixed, half random), so that
 * clients that failed together do not retry together.
 */
export function backoffDelayMs(
  retry: number,
  { minRetryDelayMs, maxRetryDelayMs }: BackoffOptions,
  random: () => number,
): number {
  const ceiling = Math.min(maxRetryDelayMs, minRetryDelayMs * 2 ** retry);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * Delay before the next attempt. The server's `Retry-After` wins over our own
 * backoff, but only within `maxRetryDelayMs`: returns undefined when the
 * server asks for longer, so the caller gives up and surfaces the wait
 * (`RateLimitError.retryAfterMs`) instead of blocking or retrying too early.
 */
export function nextDelayMs(
  retry: number,
  retryAfterMs: number | undefined,
  options: BackoffOptions,
  random: () => number,
): number | undefined {
  if (retryAfterMs === undefined) return backoffDelayMs(retry, options, random);
  return retryAfterMs <= options.maxRetryDelayMs ? retryAfterMs : undefined;
}
