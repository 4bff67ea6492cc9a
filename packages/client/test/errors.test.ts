import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createMixpanelGdprClient } from '../src/createMixpanelGdprClient.js';
import {
  ApiError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  ConnectionError,
  InternalServerError,
  MixpanelGdprError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  TimeoutError,
  UnexpectedResponseError,
} from '../src/errors.js';
import { fakeFetch, json, SECRETS, testOptions } from './helpers/fakeFetch.js';

const del = { distinctIds: ['u1', 'u2', 'u3'], complianceType: 'GDPR' } as const;
const failWith = (response: Response | Error, extra = {}) =>
  createMixpanelGdprClient(testOptions(fakeFetch(response), { maxRetries: 0, ...extra }).options)
    .createDeletion(del)
    .catch((e) => e);

/** Every way an error can be printed, serialised or walked. */
function everyRendering(error: unknown): string {
  const e = error as Error;
  return [
    String(e),
    e.message,
    e.stack,
    JSON.stringify(e),
    inspect(e, { depth: 10, showHidden: true }),
    JSON.stringify(Object.entries(e)),
  ].join('\n');
}

describe('error tree', () => {
  it.each([
    [400, BadRequestError, 'a batch may be too large'],
    [401, AuthenticationError, 'expire one year after creation'],
    [403, PermissionDeniedError, 'owners and admins'],
    [404, NotFoundError, 'another data residency region'],
    [409, ConflictError, 'resubmit the other ids'],
    [429, RateLimitError, '1 request/s'],
    [500, InternalServerError, 'Mixpanel answered 500'],
    [418, ApiError, 'Mixpanel answered 418'],
  ])('maps %i to %o with a helpful message', async (status, Type, hint) => {
    const error = await failWith(json({ status: 'error', error: 'server says no' }, status));
    expect(error).toBeInstanceOf(Type);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toBeInstanceOf(MixpanelGdprError);
    expect(error.status).toBe(status);
    expect(error.mixpanelMessage).toBe('server says no');
    expect(error.message).toContain(hint);
    expect(error.request).toEqual({
      method: 'POST',
      url: 'https://mixpanel.com/api/app/data-deletions/v3.0?token=[REDACTED]',
    });
  });

  it('suggests the region on 401, 403 and 404, naming the one in use', async () => {
    for (const status of [401, 403, 404]) {
      const error = await failWith(json({ error: 'x' }, status), { region: 'eu' });
      expect(error.message).toContain("(now 'eu', calling https://eu.mixpanel.com/api/app)");
    }
  });

  it('points at the base URL, not the region, on 401, 403 and 404 when a base URL of its own is set', async () => {
    for (const status of [401, 403, 404]) {
      const error = await failWith(json({ error: 'x' }, status), { baseUrl: 'https://gdpr-proxy.example.com/api/app' });
      expect(error.message).toContain('Check the base URL (now https://gdpr-proxy.example.com/api/app)');
      expect(error.message).not.toContain('data residency region');
    }
  });

  it('carries the conflicting ids and task ids of a 409', async () => {
    const error = await failWith(
      json(
        {
          status: 'error',
          error: { error: 'in progress', conflicting_distinct_ids: ['u1', 'u3'], conflicting_task_ids: ['t-old'] },
        },
        409,
      ),
    );
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.conflictingDistinctIds).toEqual(['u1', 'u3']);
    expect(error.conflictingTaskIds).toEqual(['t-old']);
    expect(error.mixpanelMessage).toBe('in progress');
  });

  it('reads a plain-text 429 and its Retry-After', async () => {
    const error = await failWith(
      new Response('Too Many Requests, this API is limited to 1 req/s', {
        status: 429,
        headers: { 'retry-after': '7' },
      }),
      {
        maxRetryDelayMs: 1000,
      },
    );
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryAfterMs).toBe(7000);
    expect(error.mixpanelMessage).toBe('Too Many Requests, this API is limited to 1 req/s');
  });
});

describe('building errors (for fakes and tests)', () => {
  const request = { method: 'GET', url: 'https://mixpanel.com/api/app/data-deletions/v3.0/t1?token=[REDACTED]' };

  it('builds an API error from its status and request alone, with a message naming both', () => {
    const error = new NotFoundError({ status: 404, request });
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      name: 'NotFoundError',
      status: 404,
      request,
      headers: {},
      body: undefined,
      mixpanelMessage: undefined,
    });
    expect(error.message).toBe(`Mixpanel answered 404 to GET ${request.url}`);
  });

  it('keeps every field it is given, the cause included', () => {
    const cause = new Error('underneath');
    const error = new InternalServerError({
      status: 503,
      request,
      mixpanelMessage: 'down',
      body: { error: 'down' },
      headers: { 'retry-after': '1' },
      message: 'custom',
      cause,
    });
    expect(error).toMatchObject({
      status: 503,
      mixpanelMessage: 'down',
      body: { error: 'down' },
      headers: { 'retry-after': '1' },
      message: 'custom',
      cause,
    });
  });

  it('gives a 409 empty conflict lists unless told, and a 429 its Retry-After', () => {
    expect(new ConflictError({ status: 409, request })).toMatchObject({
      conflictingDistinctIds: [],
      conflictingTaskIds: [],
    });
    const conflict = new ConflictError({
      status: 409,
      request,
      conflictingDistinctIds: ['u1'],
      conflictingTaskIds: ['t-old'],
    });
    expect(conflict).toMatchObject({ conflictingDistinctIds: ['u1'], conflictingTaskIds: ['t-old'] });
    expect(new RateLimitError({ status: 429, request }).retryAfterMs).toBeUndefined();
    expect(new RateLimitError({ status: 429, request, retryAfterMs: 7000 }).retryAfterMs).toBe(7000);
  });

  it('builds transport and body errors from an options object too', () => {
    expect(new ConnectionError({ request }).neverSent).toBe(false);
    expect(new ConnectionError({ request, neverSent: true }).message).toBe(`GET ${request.url} failed`);
    expect(new TimeoutError({ request, timeoutMs: 10 }).message).toBe(`GET ${request.url} timed out after 10 ms`);
    const malformed = new UnexpectedResponseError({ status: 200, request, body: '{"sta' });
    expect(malformed).toMatchObject({ status: 200, body: '{"sta', request });
    expect(malformed.message).toContain('Mixpanel answered 200 to GET');
  });
});

describe('secrets never leak', () => {
  it('keeps both tokens out of API errors, even when the server echoes them', async () => {
    const echo = json({ status: 'error', error: `bad token ${SECRETS.oauthToken} for ${SECRETS.projectToken}` }, 401, {
      'x-echo': SECRETS.projectToken,
    });
    const error = await failWith(echo);
    const text = everyRendering(error);
    expect(text).not.toContain(SECRETS.oauthToken);
    expect(text).not.toContain(SECRETS.projectToken);
    expect(text).toContain('[REDACTED]');
  });

  it('keeps both tokens out of connection errors whose cause quotes the URL and headers', async () => {
    const leaky = new TypeError(
      `fetch failed for https://mixpanel.com/x?token=${SECRETS.projectToken} (Bearer ${SECRETS.oauthToken})`,
      {
        cause: Object.assign(new Error(`connect ECONNRESET ${encodeURIComponent(SECRETS.projectToken)}`), {
          code: 'ECONNRESET',
        }),
      },
    );
    const error = await failWith(leaky);
    expect(error).toBeInstanceOf(ConnectionError);
    const text = everyRendering(error);
    expect(text).not.toContain(SECRETS.oauthToken);
    expect(text).not.toContain(SECRETS.projectToken);
  });

  it('keeps both tokens out of the client object when logged', () => {
    const client = createMixpanelGdprClient({ ...SECRETS });
    const text = inspect(client, { depth: 20, showHidden: true }) + JSON.stringify(client);
    expect(text).not.toContain(SECRETS.oauthToken);
    expect(text).not.toContain(SECRETS.projectToken);
  });
});
