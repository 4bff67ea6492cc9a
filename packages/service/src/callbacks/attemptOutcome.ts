import { callbackRetryDelayMs, type RetryDelayOptions } from './callbackRetryDelayMs.js';
import type { OutboxRecord } from './outboxTypes.js';

/** What an attempt got: the receiver's status, or why there was none. */
export type Answer = { status: number } | { error: string };

export interface AttemptContext extends RetryDelayOptions {
  callbackId: string;
  attempt: number;
  /** When the callback was queued, epoch ms: retries stop `retryForMs` after. */
  queuedAt: number;
  retryForMs: number;
  /** When the answer came, epoch ms. */
  at: number;
  random: () => number;
}

type OutcomeRecord = OutboxRecord<'callback.delivered' | 'callback.failed' | 'callback.abandoned'>;

/**
 * The records an answer leads to, as one rule per case:
 * - any 2xx acknowledges: delivered;
 * - 410 means the receiver is gone for good: failed, then abandoned;
 * - anything else (3xx: redirects are not followed; 4xx: the receiver may be
 *   misconfigured for a while; 5xx; no answer) is retried with backoff,
 *   unless the next attempt would start more than `retryForMs` after the
 *   callback was queued: then failed without a next attempt, and abandoned.
 */
export function attemptOutcome(answer: Answer, c: AttemptContext): OutcomeRecord[] {
  const { callbackId, attempt, at } = c;
  const status = 'status' in answer ? answer.status : undefined;
  if (status !== undefined && status >= 200 && status < 300)
    return [{ type: 'callback.delivered', callbackId, at, attempt, status }];
  const error = 'error' in answer ? answer.error : describeStatus(answer.status);
  const failed = {
    type: 'callback.failed',
    callbackId,
    at,
    attempt,
    error,
    ...(status !== undefined && { status }),
  } as const;
  if (status === 410)
    return [failed, { type: 'callback.abandoned', callbackId, at, reason: 'the receiver answered 410 Gone' }];
  const nextAt = at + callbackRetryDelayMs(attempt, c.random, c);
  if (nextAt <= c.queuedAt + c.retryForMs) return [{ ...failed, nextAt }];
  const reason = `not delivered within ${c.retryForMs} ms of retries (${attempt} attempts; last: ${error})`;
  return [failed, { type: 'callback.abandoned', callbackId, at, reason }];
}

function describeStatus(status: number): string {
  if (status >= 300 && status < 400) return `HTTP ${status}: a redirect, not followed`;
  return `HTTP ${status}`;
}
