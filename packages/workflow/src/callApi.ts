import { ConnectionError, InternalServerError, RateLimitError, TimeoutError, UnexpectedResponseError } from '@mixpanel-gdpr/client';
import type { JobContext } from './JobContext.js';
import type { Priority } from './RateLimiter.js';

/** Failures worth another try after a wait: the server or the network, not the request. */
export function isTransient(error: unknown): boolean {
  return error instanceof InternalServerError || error instanceof ConnectionError || error instanceof TimeoutError || error instanceof UnexpectedResponseError;
}

export function errorBackoffMs(ctx: JobContext, failures: number): number {
  const { errorBackoffMs: base, errorMaxBackoffMs: max } = ctx.options;
  const ceiling = Math.min(max, base * 2 ** Math.max(0, failures - 1));
  return Math.round(ceiling / 2 + (ctx.random() * ceiling) / 2);
}

/**
 * One API call through the shared limiter. 429s are waited out here for
 * every kind of call (the server rejected them before doing anything), for
 * as long as Mixpanel asks, hours included. Other transient failures are
 * retried here only for `idempotent` calls (status, cancel); a create hands
 * them to its caller, which records the outcome as unknown first.
 */
export async function callApi<T>(ctx: JobContext, priority: Priority, idempotent: boolean, call: (signal?: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
  for (let failures = 0; ; ) {
    const release = await ctx.limiter.acquire(priority, signal);
    try {
      const result = await call(signal);
      release();
      ctx.limiter.succeeded();
      return result;
    } catch (error) {
      release();
      if (error instanceof RateLimitError) {
        ctx.emit({ type: 'rate-limited', waitMs: ctx.limiter.rateLimited(error.retryAfterMs) });
        continue;
      }
      // Refused before connecting: nothing reached Mixpanel, so even a create is safe to resend.
      const neverSent = error instanceof ConnectionError && error.neverSent;
      if (!(neverSent || (idempotent && isTransient(error)))) throw error;
      const waitMs = errorBackoffMs(ctx, ++failures);
      ctx.emit({ type: 'retry', reason: (error as Error).message, waitMs });
      await ctx.sleep(waitMs, signal);
    }
  }
}
