import {
  ConnectionError,
  InternalServerError,
  RateLimitError,
  TimeoutError,
  UnexpectedResponseError,
} from '@mixpanel-gdpr/client';
import { GaveUpError } from './GaveUpError.js';
import type { JobContext } from './JobContext.js';
import type { Priority } from './RateLimiter.js';

/** Failures worth another try after a wait: the server or the network, not the request. */
export function isTransient(error: unknown): boolean {
  return (
    error instanceof InternalServerError ||
    error instanceof ConnectionError ||
    error instanceof TimeoutError ||
    error instanceof UnexpectedResponseError
  );
}

export function errorBackoffMs(ctx: JobContext, failures: number): number {
  const { errorBackoffMs: base, errorMaxBackoffMs: max } = ctx.options;
  const ceiling = Math.min(max, base * 2 ** Math.max(0, failures - 1));
  return Math.round(ceiling / 2 + (ctx.random() * ceiling) / 2);
}

/**
 * How long a command may keep trying one call. A `watch` has a deadline; a
 * one-pass command (cron `status`) gives up on a call after a few failures
 * or when asked to wait long, so that the pass always ends.
 */
export interface CallLimits {
  /** Epoch ms: no wait may end after this. */
  deadlineAt?: number;
  /** 429s and transient failures tolerated for one call. */
  maxFailures?: number;
  /** Longest single wait (rate limit or backoff) for one call, in ms. */
  maxWaitMs?: number;
}

/**
 * What each kind of call is to the limiter and to retries, in one place.
 * - create: a submission. Not idempotent: resent after a timeout or a 5xx,
 *   it may make a second task, so its caller records "outcome unknown" first.
 * - status: a poll; polls take the slots submissions leave. Idempotent.
 * - cancel: queued with the submissions, not behind hours of polls: it stops
 *   work Mixpanel is about to do. Idempotent: a repeat cannot do more than
 *   the first (a task no longer cancellable answers 405).
 */
const CALL_KINDS = {
  create: { priority: 'submit', idempotent: false },
  status: { priority: 'poll', idempotent: true },
  cancel: { priority: 'submit', idempotent: true },
} as const satisfies Record<string, { priority: Priority; idempotent: boolean }>;

export type CallKind = keyof typeof CALL_KINDS;

export interface CallSpec {
  kind: CallKind;
  signal?: AbortSignal | undefined;
}

/**
 * One API call through the shared limiter. 429s are waited out here for
 * every kind of call (the server rejected them before doing anything), for
 * as long as Mixpanel asks within `rateLimitMaxBackoffMs`. Other transient
 * failures are retried here only for idempotent calls; a create hands them to
 * its caller, which records the outcome as unknown first. `ctx.limits`
 * bounds the whole: then a `GaveUpError` says why.
 */
export async function callApi<T>(
  ctx: JobContext,
  { kind, signal }: CallSpec,
  call: (signal?: AbortSignal) => Promise<T>,
): Promise<T> {
  const { priority, idempotent } = CALL_KINDS[kind];
  for (let failures = 0; ; ) {
    checkWait(ctx, ctx.limiter.delayMs, failures);
    const release = await ctx.limiter.acquire(priority, signal);
    try {
      const result = await call(signal);
      release();
      ctx.limiter.succeeded();
      return result;
    } catch (error) {
      // A 429 is recorded before the release: a pace shared with other processes must hold the backoff before
      // it lets the next request go.
      const rateLimitWaitMs = error instanceof RateLimitError ? ctx.limiter.rateLimited(error.retryAfterMs) : 0;
      release();
      if (error instanceof RateLimitError) {
        ctx.emit({ type: 'rate-limited', waitMs: rateLimitWaitMs });
        checkWait(ctx, rateLimitWaitMs, ++failures, error);
        continue;
      }
      // Refused before connecting: nothing reached Mixpanel, so even a create is safe to resend.
      const neverSent = error instanceof ConnectionError && error.neverSent;
      if (!(neverSent || (idempotent && isTransient(error)))) throw error;
      const waitMs = errorBackoffMs(ctx, ++failures);
      checkWait(ctx, waitMs, failures, error);
      ctx.emit({ type: 'retry', reason: (error as Error).message, waitMs });
      await ctx.sleep(waitMs, signal);
    }
  }
}

/** Throws a `GaveUpError` when waiting `waitMs` (after `failures` failures) would break `ctx.limits`. */
function checkWait(ctx: JobContext, waitMs: number, failures: number, last?: unknown): void {
  const limits = ctx.limits;
  if (!limits) return;
  const cause = last === undefined ? undefined : { cause: last };
  const lastSeen = last instanceof Error ? `; last: ${last.message}` : '';
  if (limits.maxFailures !== undefined && failures >= limits.maxFailures) {
    throw new GaveUpError('failures', `gave up after ${failures} failed attempts${lastSeen}`, cause);
  }
  if (limits.maxWaitMs !== undefined && waitMs > limits.maxWaitMs) {
    throw new GaveUpError(
      'wait',
      `gave up rather than wait ${Math.round(waitMs)} ms (longer than ${limits.maxWaitMs} ms)${lastSeen}`,
      cause,
    );
  }
  if (limits.deadlineAt !== undefined && ctx.now() + waitMs > limits.deadlineAt) {
    throw new GaveUpError(
      'deadline',
      `the deadline passes before the next attempt could be made (${Math.round(waitMs)} ms away)${lastSeen}`,
      cause,
    );
  }
}
