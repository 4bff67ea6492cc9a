import { describe, expect, it } from 'vitest';
import { createServiceClient, resumeSession, ServiceClientError, ServiceProblemError, signIn } from '../src/index.js';
import { fakeFetch, json, problem } from './helpers/fakeFetch.js';

const BASE = 'https://gdpr.example.com';
const CSRF = 'c'.repeat(43);
const KEY = 'mgdpr_0123456789abcdef_SECRETSECRETSECRETSECRETSECRETSECRETSECRET1';
const REQUEST_ID = 'req-20250302-091500-1a2b3c4d';
const SESSION = {
  keyId: '0123456789abcdef',
  name: 'dpo',
  scopes: ['read'],
  csrfToken: CSRF,
  expiresAt: '2025-03-05T16:00:00Z',
};

describe('a session client (the dashboard)', () => {
  it('sends no Authorization, and its CSRF token with changes only', async () => {
    const f = fakeFetch((r) => (r.method === 'GET' ? json(SESSION) : new Response(null, { status: 204 })));
    const client = createServiceClient({ baseUrl: BASE, session: { csrfToken: CSRF }, fetch: f.fetch });
    await client.getSession();
    await client.signOut();
    expect(f.requests.map((r) => [r.method, r.headers.get('authorization'), r.headers.get('x-csrf-token')])).toEqual([
      ['GET', null, null],
      ['DELETE', null, CSRF],
    ]);
    expect(f.requests.every((r) => r.credentials === 'same-origin')).toBe(true);
  });

  it('sends the CSRF token to its own origin only', async () => {
    const f = fakeFetch(() => json({}));
    const client = createServiceClient({ baseUrl: BASE, session: { csrfToken: CSRF }, fetch: f.fetch });
    await client.raw.POST('/v1/requests/{requestId}/cancel', {
      baseUrl: 'https://elsewhere.example.net',
      params: { path: { requestId: REQUEST_ID } },
      body: { reason: 'x' },
    });
    expect(f.requests[0]?.headers.get('x-csrf-token')).toBeNull();
  });

  it('is refused with a key too, or with a token that is not one', () => {
    expect(() => createServiceClient({ baseUrl: BASE, apiKey: KEY, session: { csrfToken: CSRF } })).toThrow(
      ServiceClientError,
    );
    expect(() => createServiceClient({ baseUrl: BASE, session: { csrfToken: 'short' } })).toThrow(/session.csrfToken/);
  });

  it('reads masked ids a page at a time', async () => {
    const page = { total: 1, revealed: false, items: [{ masked: 'us••••12' }], nextCursor: null };
    const f = fakeFetch(() => json(page));
    const client = createServiceClient({ baseUrl: BASE, session: { csrfToken: CSRF }, fetch: f.fetch });
    expect(await client.listSubjects(REQUEST_ID, { limit: 10 })).toEqual(page);
    expect(f.requests[0]?.url).toBe(`${BASE}/v1/requests/${REQUEST_ID}/subjects?limit=10`);
  });
});

describe('signIn', () => {
  it('posts the key in the body (never the URL) and returns the session', async () => {
    const f = fakeFetch(() => json(SESSION, 201));
    expect(await signIn({ baseUrl: BASE, apiKey: KEY, fetch: f.fetch })).toEqual(SESSION);
    expect(f.requests[0]?.url).toBe(`${BASE}/v1/session`);
    expect(await f.requests[0]?.clone().json()).toEqual({ apiKey: KEY });
  });

  it('reports a refused key without the key, even when the server echoes it', async () => {
    const f = fakeFetch(() =>
      problem(401, { type: 'urn:x', title: 'Unauthorized', status: 401, detail: `bad key ${KEY}`, errors: [] }),
    );
    const error = await signIn({ baseUrl: BASE, apiKey: KEY, fetch: f.fetch }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceProblemError);
    expect((error as ServiceProblemError).status).toBe(401);
    expect(String((error as Error).message) + JSON.stringify(error)).not.toContain(KEY);
  });

  it('refuses plain http off loopback before sending the key', async () => {
    const f = fakeFetch(() => json(SESSION, 201));
    await expect(signIn({ baseUrl: 'http://gdpr.example.com', apiKey: KEY, fetch: f.fetch })).rejects.toThrow(/https/);
    expect(f.requests).toHaveLength(0);
  });
});

describe('resumeSession', () => {
  it('gives the session a cookie still holds, or undefined on 401', async () => {
    const ok = fakeFetch(() => json(SESSION));
    expect(await resumeSession({ baseUrl: BASE, fetch: ok.fetch })).toEqual(SESSION);
    expect(ok.requests[0]?.credentials).toBe('same-origin');
    const none = fakeFetch(() =>
      problem(401, { type: 'urn:x', title: 'Unauthorized', status: 401, detail: 'sign in', errors: [] }),
    );
    expect(await resumeSession({ baseUrl: BASE, fetch: none.fetch })).toBeUndefined();
  });
});
