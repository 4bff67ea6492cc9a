import { describe, expect, it, vi } from 'vitest';
import { createMixpanelGdprClient } from '../src/createMixpanelGdprClient.js';
import { AbortError, ConnectionError, InternalServerError, RateLimitError, TimeoutError } from '../src/errors.js';
import { created, fakeFetch, json, networkError, testOptions } from './helpers/fakeFetch.js';

const status = (s = 'PENDING') => json({ status: 'ok', results: { status: s } });
const limited = (retryAfter?: string) =>
  json(
    { status: 'error', error: 'Too Many Requests, this API is limited to 1 req/s' },
    429,
    retryAfter ? { 'retry-after': retryAfter } : {},
  );
const deletion = { distinctIds: ['u1'], complianceType: 'GDPR' } as const;

describe('retries', () => {
  it('retries on 429 with retry-after, waiting what the server asked', async () => {
    const f = fakeFetch(limited('2'), limited('3'), created('t-9'));
    const { options, sleeps } = testOptions(f);
    const client = createMixpanelGdprClient(options);
    await expect(client.createDeletion(deletion)).resolves.toEqual({ taskId: 't-9' });
    expect(f.requests).toHaveLength(3);
    expect(sleeps).toEqual([2000, 3000]);
  });

  it('uses capped exponential backoff when 429 has no retry-after', async () => {
    const f = fakeFetch(limited(), limited(), limited(), status());
    const { options, sleeps } = testOptions(f, { random: () => 0 });
    await createMixpanelGdprClient(options).getDeletionStatus('t1');
    expect(sleeps).toEqual([500, 1000, 2000]);
  });

  it('surfaces a Retry-After beyond the cap as RateLimitError.retryAfterMs instead of waiting', async () => {
    const f = fakeFetch(limited('7200'));
    const { options, sleeps } = testOptions(f);
    const error = await createMixpanelGdprClient(options)
      .getDeletionStatus('t1')
      .catch((e) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryAfterMs).toBe(7_200_000);
    expect(sleeps).toEqual([]);
  });

  it('stops after maxRetries and throws the last error', async () => {
    const f = fakeFetch(json({ error: 'boom' }, 503));
    const { options, sleeps } = testOptions(f, { maxRetries: 2 });
    await expect(createMixpanelGdprClient(options).getRetrievalStatus('t1')).rejects.toBeInstanceOf(
      InternalServerError,
    );
    expect(f.requests).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
  });

  it('retries 5xx on status and cancel but never on create', async () => {
    const get = fakeFetch(json({ error: 'x' }, 502), status('SUCCESS'));
    await expect(createMixpanelGdprClient(testOptions(get).options).getDeletionStatus('t1')).resolves.toMatchObject({
      status: 'SUCCESS',
    });
    const del = fakeFetch(json({ error: 'x' }, 500), new Response(null, { status: 204 }));
    await expect(createMixpanelGdprClient(testOptions(del).options).cancelDeletion('t1')).resolves.toEqual({
      taskId: 't1',
      cancelled: true,
    });
    const post = fakeFetch(json({ error: 'x' }, 500), created());
    await expect(createMixpanelGdprClient(testOptions(post).options).createDeletion(deletion)).rejects.toBeInstanceOf(
      InternalServerError,
    );
    expect(post.requests).toHaveLength(1);
  });

  it('retries a create refused before connecting, but not one reset after sending', async () => {
    const refused = fakeFetch(networkError('ECONNREFUSED'), created('t-2'));
    await expect(createMixpanelGdprClient(testOptions(refused).options).createDeletion(deletion)).resolves.toEqual({
      taskId: 't-2',
    });
    const reset = fakeFetch(networkError('ECONNRESET'), created('t-3'));
    const error = await createMixpanelGdprClient(testOptions(reset).options)
      .createDeletion(deletion)
      .catch((e) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.neverSent).toBe(false);
    expect(reset.requests).toHaveLength(1);
  });

  it('retries a status call after a connection reset', async () => {
    const f = fakeFetch(networkError('ECONNRESET'), status('STARTED'));
    await expect(createMixpanelGdprClient(testOptions(f).options).getDeletionStatus('t1')).resolves.toMatchObject({
      status: 'STARTED',
    });
  });

  it('sends the same body on every attempt', async () => {
    const f = fakeFetch(limited('0'), created());
    await createMixpanelGdprClient(testOptions(f).options).createDeletion({
      distinctIds: ['a', 'b'],
      complianceType: 'GDPR',
    });
    expect(f.bodies[0]).toBe('{"distinct_ids":["a","b"],"compliance_type":"GDPR"}');
    expect(f.bodies[1]).toBe(f.bodies[0]);
  });

  it('awaits beforeAttempt before every attempt, retries included', async () => {
    const f = fakeFetch(limited('0'), limited('0'), status());
    const beforeAttempt = vi.fn(async () => {});
    await createMixpanelGdprClient(testOptions(f, { beforeAttempt }).options).getDeletionStatus('t1');
    expect(beforeAttempt).toHaveBeenCalledTimes(3);
  });
});

describe('timeouts and abort', () => {
  const hang = (request: Request) =>
    new Promise<Response>((_, reject) =>
      request.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
    );

  it('times out one attempt after timeoutMs and does not retry a create', async () => {
    const f = fakeFetch(hang, created());
    const error = await createMixpanelGdprClient(testOptions(f, { timeoutMs: 20 }).options)
      .createDeletion(deletion)
      .catch((e) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.timeoutMs).toBe(20);
    expect(f.requests).toHaveLength(1);
  });

  it('retries a status call that timed out', async () => {
    const f = fakeFetch(hang, status('SUCCESS'));
    await expect(
      createMixpanelGdprClient(testOptions(f, { timeoutMs: 20 }).options).getDeletionStatus('t1'),
    ).resolves.toMatchObject({
      status: 'SUCCESS',
    });
  });

  it('counts a body that never finishes against the timeout', async () => {
    const stalled = () =>
      new Response(new ReadableStream({ start: (c) => c.enqueue(new TextEncoder().encode('{"sta')) }), { status: 200 });
    const f = fakeFetch(stalled);
    const error = await createMixpanelGdprClient(testOptions(f, { timeoutMs: 20, maxRetries: 0 }).options)
      .getDeletionStatus('t1')
      .catch((e) => e);
    expect(error).toBeInstanceOf(TimeoutError);
  });

  it('aborts an in-flight request with AbortError', async () => {
    const f = fakeFetch(hang);
    const controller = new AbortController();
    const pending = createMixpanelGdprClient(testOptions(f).options).getDeletionStatus('t1', {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error('user stop')), 5);
    const error = await pending.catch((e) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect(error.cause).toEqual(new Error('user stop'));
  });

  it('aborts during the wait between retries', async () => {
    const controller = new AbortController();
    const f = fakeFetch(limited('30'));
    const client = createMixpanelGdprClient({ ...testOptions(f).options, sleep: undefined });
    const pending = client.getDeletionStatus('t1', { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toBeInstanceOf(AbortError);
    expect(f.requests).toHaveLength(1);
  });

  it('sends nothing when the signal is already aborted', async () => {
    const f = fakeFetch(status());
    const signal = AbortSignal.abort();
    await expect(
      createMixpanelGdprClient(testOptions(f).options).getDeletionStatus('t1', { signal }),
    ).rejects.toBeInstanceOf(AbortError);
    expect(f.requests).toHaveLength(0);
  });
});
