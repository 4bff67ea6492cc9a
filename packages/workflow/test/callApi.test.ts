import { InternalServerError } from '@mixpanel-gdpr/client';
import { describe, expect, it } from 'vitest';
import { type CallKind, callApi } from '../src/callApi.js';
import { RateLimiter, resolveWorkflowOptions } from '../src/index.js';
import type { JobContext } from '../src/JobContext.js';

const request = { method: 'GET', url: 'https://mixpanel.com/api/app/x?token=[REDACTED]' };

function context(): JobContext {
  const limiter = new RateLimiter({ ratePerSecond: 1000, rateLimitBackoffMs: 1, rateLimitMaxBackoffMs: 1 });
  const options = resolveWorkflowOptions({ ratePerSecond: 1000, errorBackoffMs: 1, errorMaxBackoffMs: 1 });
  return {
    limiter,
    options,
    emit: () => {},
    now: Date.now,
    sleep: async () => {},
    random: () => 0.5,
  } as unknown as JobContext;
}

describe('callApi: what each kind of call is', () => {
  it('queues a cancel with the submissions, ahead of polls that were waiting before it', async () => {
    const ctx = context();
    const release = await ctx.limiter.acquire('submit');
    const order: CallKind[] = [];
    const call = (kind: CallKind) => callApi(ctx, { kind }, async () => void order.push(kind));
    const all = Promise.all([call('status'), call('status'), call('cancel'), call('create')]);
    release();
    await all;
    expect(order).toEqual(['cancel', 'create', 'status', 'status']);
  });

  it.each([
    ['status', 2],
    ['cancel', 2],
  ] as const)('retries a %s after a 5xx: repeating it is safe', async (kind, attempts) => {
    const ctx = context();
    let n = 0;
    const result = await callApi(ctx, { kind }, async () => {
      if (++n === 1) throw new InternalServerError({ status: 503, request });
      return 'answered';
    });
    expect(result).toBe('answered');
    expect(n).toBe(attempts);
  });

  it("hands a create's 5xx to its caller: Mixpanel may have made the task", async () => {
    const ctx = context();
    let n = 0;
    const attempt = callApi(ctx, { kind: 'create' }, async () => {
      n++;
      throw new InternalServerError({ status: 503, request });
    });
    await expect(attempt).rejects.toBeInstanceOf(InternalServerError);
    expect(n).toBe(1);
  });
});
