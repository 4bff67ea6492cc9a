import { request as httpRequest } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SERVICE_DEFAULTS } from '../src/defaults.js';
import { fromPage as pageHeaders, signInAt } from './helpers/sessionCalls.js';
import { startTestService, type TestService } from './helpers/startTestService.js';

let t: TestService;
beforeEach(async () => {
  t = await startTestService();
});
afterEach(() => t.close());

const erasure = (ticket: string) => ({
  ticket,
  kind: 'erasure',
  regulation: 'GDPR',
  receivedAt: '2026-11-29T09:00:00Z',
  distinctIds: ['user-1'],
  projects: ['web'],
});

/** A browser's call from the service's own page. */
const fromPage = (cookie?: string, csrf?: string, extra: Record<string, string> = {}) =>
  pageHeaders(t.baseUrl, cookie, csrf, extra);
const signIn = (key: string, headers: Record<string, string> = fromPage()) => signInAt(t.baseUrl, key, headers);

describe('dashboard sessions', () => {
  it('trade a key for an HttpOnly, SameSite=Strict cookie that holds no key, and a CSRF token', async () => {
    const key = await t.key('read');
    const { response, body, setCookie, cookie } = await signIn(key);
    expect(response.status).toBe(201);
    expect(body).toMatchObject({ name: 'test read', scopes: ['read'] });
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(body.expiresAt as string)).toBe(t.clock.ms + SERVICE_DEFAULTS.sessionMs);
    expect(setCookie).toMatch(/^mgdpr_session=v1\.[0-9a-f]{16}\./);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).toContain('Path=/');
    expect(setCookie).toContain(`Max-Age=${SERVICE_DEFAULTS.sessionMs / 1000}`);
    // Plain http on loopback: a browser would drop a Secure cookie here.
    expect(setCookie).not.toContain('Secure');
    expect(setCookie).not.toContain(key.slice('mgdpr_0123456789abcdef_'.length));
    expect(setCookie).not.toContain(body.csrfToken as string);

    const list = await fetch(`${t.baseUrl}/v1/requests`, { headers: { cookie } });
    expect(list.status).toBe(200);
    const again = await fetch(`${t.baseUrl}/v1/session`, { headers: { cookie } });
    expect(await again.json()).toEqual(body);
    expect(t.logs.join('')).not.toContain(key);
    expect(t.logs.join('')).not.toContain(cookie.split('=')[1]!);
    expect(t.logs.join('')).not.toContain(body.csrfToken as string);
  });

  it('refuse a change without the CSRF token or from another site, and record nothing', async () => {
    const { cookie, body } = await signIn(await t.key('read', 'submit'));
    const csrf = body.csrfToken as string;
    const post = (headers: Record<string, string>) =>
      fetch(`${t.baseUrl}/v1/requests`, { method: 'POST', headers, body: JSON.stringify(erasure('S-1')) });
    const without = await post(fromPage(cookie));
    expect(without.status).toBe(403);
    expect(((await without.json()) as { detail: string }).detail).toMatch(/X-CSRF-Token/);
    expect((await post(fromPage(cookie, 'x'.repeat(43)))).status).toBe(403);
    expect((await post(fromPage(cookie, csrf, { origin: 'https://evil.example' }))).status).toBe(403);
    expect((await post(fromPage(cookie, csrf, { 'sec-fetch-site': 'cross-site' }))).status).toBe(403);
    expect(t.ledger.state.requests.size).toBe(0);
    const made = await post(fromPage(cookie, csrf));
    expect(made.status).toBe(201);
    expect(t.ledger.state.requests.size).toBe(1);
  });

  it("carry the key's scopes: a read key's session cannot file or cancel", async () => {
    const { cookie, body } = await signIn(await t.key('read'));
    const filed = await fetch(`${t.baseUrl}/v1/requests`, {
      method: 'POST',
      headers: fromPage(cookie, body.csrfToken as string),
      body: JSON.stringify(erasure('S-2')),
    });
    expect(filed.status).toBe(403);
    expect(((await filed.json()) as { detail: string }).detail).toMatch(/lacks the submit scope/);
  });

  it('refuse a sign-in from another site, or with a bad key, setting no cookie', async () => {
    const key = await t.key('read');
    const cross = await signIn(key, fromPage(undefined, undefined, { origin: 'https://evil.example' }));
    expect(cross.response.status).toBe(403);
    expect(cross.setCookie).toBe('');
    const bad = await signIn(`${key.slice(0, -4)}AAAA`);
    expect(bad.response.status).toBe(401);
    expect(bad.setCookie).toBe('');
    expect(bad.body).toMatchObject({ errors: [{ field: '/apiKey' }] });
  });

  it('end when they expire, when the key is revoked, or when the cookie was tampered with', async () => {
    const key = await t.key('read');
    const { cookie } = await signIn(key);
    const status = async (c: string) => (await fetch(`${t.baseUrl}/v1/requests`, { headers: { cookie: c } })).status;
    expect(await status(cookie)).toBe(200);
    // Another key's id in a cookie signed for this one.
    const other = (await t.key('read', 'submit', 'admin')).split('_')[1]!;
    expect(await status(cookie.replace(/v1\.[0-9a-f]{16}/, `v1.${other}`))).toBe(401);
    t.clock.ms += SERVICE_DEFAULTS.sessionMs;
    expect(await status(cookie)).toBe(401);
    t.clock.ms -= SERVICE_DEFAULTS.sessionMs;
    await t.ledger.append({ type: 'key.revoked', keyId: key.split('_')[1]!, at: t.clock.ms });
    const revoked = await fetch(`${t.baseUrl}/v1/requests`, { headers: { cookie } });
    expect(revoked.status).toBe(401);
    expect(((await revoked.json()) as { detail: string }).detail).toMatch(/revoked/);
  });

  it('are ignored when a key is sent: a bad key fails even with a good cookie', async () => {
    const { cookie } = await signIn(await t.key('read'));
    const response = await fetch(`${t.baseUrl}/v1/requests`, {
      headers: { cookie, authorization: 'Bearer mgdpr_0000000000000000_nope' },
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { detail: string }).detail).toMatch(/API key is not valid/);
  });

  it('sign out with the CSRF token, clearing the cookie', async () => {
    const { cookie, body } = await signIn(await t.key('read'));
    const { 'content-type': _, ...headers } = fromPage(cookie);
    expect((await fetch(`${t.baseUrl}/v1/session`, { method: 'DELETE', headers })).status).toBe(403);
    const out = await fetch(`${t.baseUrl}/v1/session`, {
      method: 'DELETE',
      headers: { ...headers, 'x-csrf-token': body.csrfToken as string },
    });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^mgdpr_session=; Max-Age=0; Path=\/; HttpOnly; SameSite=Strict$/);
  });

  it('are Secure cookies on any host but loopback', async () => {
    const key = await t.key('read');
    const { port } = new URL(t.baseUrl);
    const setCookie = await new Promise<string>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/v1/session',
          headers: {
            host: 'gdpr.example.com',
            origin: 'https://gdpr.example.com',
            'content-type': 'application/json',
          },
        },
        (res) => {
          res.resume();
          resolve(String(res.headers['set-cookie'] ?? ''));
        },
      );
      req.once('error', reject);
      req.end(JSON.stringify({ apiKey: key }));
    });
    expect(setCookie).toContain('; Secure');
  });
});
