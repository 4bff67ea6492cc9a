import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createServiceClient, ServiceClientError, ServiceProblemError } from '../src/index.js';
import { fakeFetch, json, problem } from './helpers/fakeFetch.js';

const KEY = 'mgk_live_SECRET-key-0123456789';
const BASE = 'https://gdpr.example.com';
const REQUEST_ID = 'req-20250302-091500-1a2b3c4d';

/** Every way an error can be shown or logged. */
function everyRendering(error: unknown): string {
  return [String(error), (error as Error).stack, JSON.stringify(error), inspect(error, { depth: 10 })].join('\n');
}

describe('createServiceClient: the key', () => {
  it('is sent as a bearer token to the configured origin', async () => {
    const f = fakeFetch(() => json({ status: 'ok', version: '1', uptimeMs: 1 }));
    await createServiceClient({ baseUrl: BASE, apiKey: KEY, fetch: f.fetch }).health();
    expect(f.requests[0]?.headers.get('authorization')).toBe(`Bearer ${KEY}`);
    expect(f.requests[0]?.url).toBe(`${BASE}/healthz`);
  });

  it('is not sent to another origin given per request', async () => {
    const f = fakeFetch(() => json({ status: 'ok', version: '1', uptimeMs: 1 }));
    const client = createServiceClient({ baseUrl: BASE, apiKey: KEY, fetch: f.fetch });
    await client.raw.GET('/healthz', { baseUrl: 'https://elsewhere.example.net' });
    expect(f.requests[0]?.url).toBe('https://elsewhere.example.net/healthz');
    expect(f.requests[0]?.headers.get('authorization')).toBeNull();
  });

  it('never appears in an error, even when the server echoes it everywhere', async () => {
    const f = fakeFetch((request) => {
      const echoed = request.headers.get('authorization')!;
      return problem(400, {
        type: `urn:x:${echoed}`,
        title: `Invalid ${echoed}`,
        status: 400,
        detail: `you sent ${echoed} (${encodeURIComponent(echoed)})`,
        errors: [{ field: `/${KEY}`, message: `bad ${KEY}`, value: { [KEY]: [KEY] } }],
      });
    });
    const error = await createServiceClient({ baseUrl: BASE, apiKey: KEY, fetch: f.fetch })
      .getRequest(REQUEST_ID)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceProblemError);
    expect((error as ServiceProblemError).detail).toContain('[REDACTED]');
    expect(everyRendering(error)).not.toContain(KEY);
    expect(everyRendering(error)).not.toContain(encodeURIComponent(KEY));
  });

  it('never appears in the error of a non-problem body that echoes it', async () => {
    const f = fakeFetch((r) => new Response(`<h1>Bad gateway</h1> ${r.headers.get('authorization')}`, { status: 502 }));
    const error = await createServiceClient({ baseUrl: BASE, apiKey: KEY, fetch: f.fetch })
      .listProjects()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 502, type: 'about:blank', title: 'HTTP 502' });
    expect((error as ServiceProblemError).body).toContain('Bad gateway');
    expect(everyRendering(error)).not.toContain(KEY);
  });

  it('is refused when it cannot be a header, without showing it', () => {
    for (const apiKey of ['', '  ', `${KEY} `, `${KEY}\n`, 'clé']) {
      const error = (() => {
        try {
          createServiceClient({ baseUrl: BASE, apiKey });
        } catch (e) {
          return e as ServiceClientError;
        }
      })();
      expect(error).toBeInstanceOf(ServiceClientError);
      expect(error?.field).toBe('apiKey');
      expect(error?.message).toContain('value hidden');
      if (apiKey.trim()) expect(error?.message).not.toContain(apiKey.trim());
    }
  });
});

describe('createServiceClient: baseUrl', () => {
  it('refuses plain http to a host that is not loopback, before any request', () => {
    const f = fakeFetch(() => json({}));
    for (const baseUrl of ['http://gdpr.example.com', 'http://10.0.0.5:8080', 'http://127.example.com']) {
      expect(() => createServiceClient({ baseUrl, apiKey: KEY, fetch: f.fetch })).toThrow(
        /baseUrl must use https: plain http is allowed only on loopback/,
      );
    }
    expect(f.requests).toHaveLength(0);
  });

  it('allows plain http on loopback, and https anywhere', () => {
    for (const baseUrl of ['http://127.0.0.1:8080', 'http://localhost:4010/', 'http://[::1]:8080', BASE]) {
      expect(createServiceClient({ baseUrl, apiKey: KEY }).baseUrl).toBe(baseUrl.replace(/\/$/, ''));
    }
  });

  it('refuses credentials, a query or another scheme, without showing a password', () => {
    expect(() => createServiceClient({ baseUrl: 'https://u:hunter2@gdpr.example.com', apiKey: KEY })).toThrow(
      /must not carry credentials/,
    );
    try {
      createServiceClient({ baseUrl: 'https://u:hunter2@gdpr.example.com', apiKey: KEY });
    } catch (e) {
      expect(String(e)).not.toContain('hunter2');
    }
    expect(() => createServiceClient({ baseUrl: `${BASE}?x=1`, apiKey: KEY })).toThrow(/must not carry/);
    expect(() => createServiceClient({ baseUrl: 'ftp://gdpr.example.com', apiKey: KEY })).toThrow(/http\(s\) URL/);
  });
});

describe('createServiceClient: calls', () => {
  it('refuses a path parameter of "." or ".." (openapi-fetch would not encode it), before any request', async () => {
    const f = fakeFetch(() => json({}));
    const client = createServiceClient({ baseUrl: BASE, apiKey: KEY, fetch: f.fetch });
    await expect(client.getRequest('..')).rejects.toThrow(/requestId must not be empty, "." or ".."/);
    await expect(client.downloadExport(REQUEST_ID, '.')).rejects.toThrow(/project must not/);
    expect(f.requests).toHaveLength(0);
  });

  it('sends the Idempotency-Key and tells 201 from 200', async () => {
    let status = 201;
    const f = fakeFetch(() => json({ requestId: REQUEST_ID }, status));
    const client = createServiceClient({ baseUrl: BASE, apiKey: KEY, fetch: f.fetch });
    const input = {
      ticket: 'T-1',
      kind: 'erasure',
      regulation: 'GDPR',
      receivedAt: '2025-03-02T09:12:00Z',
      distinctIds: ['u1'],
      projects: ['web'],
    } as const;
    const first = await client.createRequest(
      { ...input, distinctIds: ['u1'], projects: ['web'] },
      { idempotencyKey: 'k-1' },
    );
    status = 200;
    const again = await client.createRequest({ ...input, distinctIds: ['u1'], projects: ['web'] });
    expect([first.created, again.created]).toEqual([true, false]);
    expect(f.requests[0]?.headers.get('idempotency-key')).toBe('k-1');
    expect(f.requests[1]?.headers.has('idempotency-key')).toBe(false);
    expect(JSON.parse(f.bodies[0]!)).toMatchObject({ ticket: 'T-1', distinctIds: ['u1'] });
  });

  it('streams an upload with its content type, the request fields in the query', async () => {
    const f = fakeFetch(() => json({ request: {}, intake: {} }, 201));
    const client = createServiceClient({ baseUrl: BASE, apiKey: KEY, fetch: f.fetch });
    const body = new Blob(['distinct_id\nu1\nu2\n']).stream() as ReadableStream<Uint8Array>;
    const query = {
      ticket: 'T 2',
      kind: 'erasure',
      regulation: 'CCPA',
      receivedAt: '2025-03-02T09:12:00Z',
      project: ['web', 'mobile'],
      labels: { source: 'form' },
    } as const;
    await client.uploadRequest({ ...query, project: ['web', 'mobile'] }, body, { format: 'csv' });
    const request = f.requests[0]!;
    expect(request.headers.get('content-type')).toBe('text/csv');
    expect(f.bodies[0]).toBe('distinct_id\nu1\nu2\n');
    const url = new URL(request.url);
    expect(url.pathname).toBe('/v1/requests/bulk');
    expect(url.searchParams.getAll('project')).toEqual(['web', 'mobile']);
    expect(url.searchParams.get('labels[source]')).toBe('form');
    expect(url.searchParams.get('ticket')).toBe('T 2');
  });

  it('follows cursors to the last page', async () => {
    const pages: Record<string, unknown> = {
      '': { items: [{ requestId: 'a' }, { requestId: 'b' }], nextCursor: 'c1' },
      c1: { items: [{ requestId: 'c' }], nextCursor: null },
    };
    const f = fakeFetch((r) => json(pages[new URL(r.url).searchParams.get('cursor') ?? '']));
    const client = createServiceClient({ baseUrl: BASE, apiKey: KEY, fetch: f.fetch });
    const ids: string[] = [];
    for await (const request of client.requests({ atRisk: true })) ids.push(request.requestId);
    expect(ids).toEqual(['a', 'b', 'c']);
    expect(f.requests.map((r) => new URL(r.url).search)).toEqual(['?atRisk=true', '?atRisk=true&cursor=c1']);
  });

  it('reads the 429 Retry-After into retryAfterMs', async () => {
    const f = fakeFetch(() =>
      problem(
        429,
        { type: 'urn:mixpanel-gdpr:problem:rate-limited', title: 'Too many requests', status: 429, errors: [] },
        {
          'retry-after': '12',
        },
      ),
    );
    const error = await createServiceClient({ baseUrl: BASE, apiKey: KEY, fetch: f.fetch })
      .listRequests()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 429,
      retryAfterMs: 12_000,
      request: { method: 'GET', path: '/v1/requests' },
    });
  });

  it('escapes control characters a server puts in its problem', async () => {
    const f = fakeFetch(() =>
      problem(400, { type: 'urn:x', title: 'Bad\u001b[2J', status: 400, detail: 'x\u009b31m', errors: [] }),
    );
    const error = await createServiceClient({ baseUrl: BASE, apiKey: KEY, fetch: f.fetch })
      .getDeadlines()
      .catch((e: unknown) => e);
    if (!(error instanceof Error)) throw new Error('expected an error');
    expect(error.message).toContain('Bad\\u001b[2J');
    expect(error.message).not.toMatch(/[\u001b\u009b]/);
  });

  it('gives an export as a stream with the recorded SHA-256', async () => {
    const digest = Buffer.alloc(32, 0xab).toString('base64');
    const f = fakeFetch(
      () =>
        new Response('PK\u0003\u0004', {
          headers: { 'content-type': 'application/zip', 'repr-digest': `sha-256=:${digest}:` },
        }),
    );
    const client = createServiceClient({ baseUrl: BASE, apiKey: KEY, fetch: f.fetch });
    const download = await client.downloadExport(REQUEST_ID, 'web', { taskId: 't-1' });
    expect(download.sha256).toBe('ab'.repeat(32));
    expect(await new Response(download.body).text()).toBe('PK\u0003\u0004');
    expect(f.requests[0]?.url).toBe(`${BASE}/v1/requests/${REQUEST_ID}/exports/web?taskId=t-1`);
  });
});
