import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { signIn as clientSignIn, createServiceClient, ServiceProblemError } from '@mixpanel-gdpr/service-client';
import { FileLedger } from '@mixpanel-gdpr/workflow';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readDashboardFiles } from '../src/dashboard/readDashboardFiles.js';
import { SERVICE_DEFAULTS } from '../src/defaults.js';
import { sameText, sessionTokens } from '../src/session/sessionToken.js';
import { fromPage as pageHeaders, signInAt } from './helpers/sessionCalls.js';
import { startTestService, type TestService } from './helpers/startTestService.js';

/*
 * A hostile review of the dashboard's sessions, subjects and files: each
 * test is an attack made over real HTTP against a real service.
 */

let t: TestService;
let root: string;
let outside: string;
const PAGE =
  '<!doctype html><html lang="en"><title>x</title><script type="module" src="/assets/app.js"></script></html>';
const IDS = ['alice@example.com', 'bob-000000042', 'carol-device-9f8e7d'];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mpgdpr-attack-dash-'));
  outside = await mkdtemp(join(tmpdir(), 'mpgdpr-attack-outside-'));
  await mkdir(join(root, 'assets'));
  await writeFile(join(root, 'index.html'), PAGE);
  await writeFile(join(root, 'secret.json'), '{"not":"under assets"}');
  await writeFile(join(root, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(join(root, 'assets', 'app.js.map'), '{"sources":["../../src/secret.ts"]}');
  await writeFile(join(outside, 'passwd.txt'), 'root:x:0:0');
  // A link out of the folder must not be read (readdir's Dirent of a symlink is not a file).
  await symlink(join(outside, 'passwd.txt'), join(root, 'assets', 'leak.txt'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});
beforeEach(async () => {
  t = await startTestService({ dashboardRoot: root });
});
afterEach(() => t.close());

/** A browser's call from the service's own page. */
const fromPage = (cookie?: string, csrf?: string, extra: Record<string, string> = {}) =>
  pageHeaders(t.baseUrl, cookie, csrf, extra);
const signIn = (key: string, headers: Record<string, string> = fromPage()) => signInAt(t.baseUrl, key, headers);

/** A raw HTTP call: headers exactly as given (fetch adds or drops some). */
function raw(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  const { port } = new URL(t.baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.once('error', reject);
    req.end(body);
  });
}

const erasure = (ticket: string, distinctIds = IDS) => ({
  ticket,
  kind: 'erasure',
  regulation: 'GDPR',
  receivedAt: '2026-11-29T09:00:00Z',
  distinctIds,
  projects: ['web'],
});

async function fileRequest(ticket = 'ATK-1', ids = IDS): Promise<string> {
  const submit = await t.client('read', 'submit');
  return (await submit.createRequest(erasure(ticket, ids) as never)).value.requestId;
}

const status = async (path: string, init: RequestInit = {}) => (await fetch(`${t.baseUrl}${path}`, init)).status;

/** Secrets that must never reach the log. */
function expectLogsFree(...secrets: string[]) {
  const logs = t.logs.join('');
  for (const s of secrets) expect(logs).not.toContain(s);
}

describe('forged session cookies', () => {
  it('a tampered expiry, keyId, nonce or signature, or any other shape, is refused', async () => {
    const { cookie } = await signIn(await t.key('read'));
    const value = cookie.slice('mgdpr_session='.length);
    const [v, keyId, exp, nonce, mac] = value.split('.') as [string, string, string, string, string];
    const later = (Number.parseInt(exp, 36) + 10 * SERVICE_DEFAULTS.sessionMs).toString(36);
    const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    const forged = [
      `${v}.${keyId}.${later}.${nonce}.${mac}`,
      `${v}.${keyId}.${exp}.${flip(nonce)}.${mac}`,
      `${v}.${keyId}.${exp}.${nonce}.${flip(mac)}`,
      `${v}.${keyId.toUpperCase()}.${exp}.${nonce}.${mac}`,
      `v2.${keyId}.${exp}.${nonce}.${mac}`,
      `${value}.x`,
      `${value} `.repeat(2),
      `${v}.${keyId}.${exp}.${nonce}.`,
      `${v}.${keyId}.${exp}.${nonce}.${mac.slice(0, 42)}`,
      `${v}.${keyId}.${exp}.${nonce}.${'A'.repeat(43)}`,
      '',
    ];
    expect(await status('/v1/requests', { headers: { cookie } })).toBe(200);
    for (const f of forged)
      expect(await status('/v1/requests', { headers: { cookie: `mgdpr_session=${f}` } }), f).toBe(401);
  });

  it('a cookie signed under another service secret is refused, even naming a live key', async () => {
    const key = await t.key('read', 'submit', 'admin');
    const keyId = key.split('_')[1]!;
    const foreign = sessionTokens(new Uint8Array(32).fill(8)).issue(keyId, t.clock.ms + 60_000);
    const own = sessionTokens(new Uint8Array(32).fill(7)).issue(keyId, t.clock.ms + 60_000);
    expect(await status('/v1/requests', { headers: { cookie: `mgdpr_session=${foreign.cookie}` } })).toBe(401);
    // The control: the same cookie under the service's own secret is accepted (so the refusal is the secret's).
    expect(await status('/v1/requests', { headers: { cookie: `mgdpr_session=${own.cookie}` } })).toBe(200);
  });

  it('expires exactly at its expiry, and a clock moved back does not revive a tampered one', async () => {
    const { cookie } = await signIn(await t.key('read'));
    t.clock.ms += SERVICE_DEFAULTS.sessionMs - 1;
    expect(await status('/v1/requests', { headers: { cookie } })).toBe(200);
    t.clock.ms += 1;
    expect(await status('/v1/requests', { headers: { cookie } })).toBe(401);
    expect(await status('/v1/session', { headers: { cookie } })).toBe(401);
  });

  it('a huge cookie or CSRF header is refused cleanly, and nothing of it is logged', async () => {
    const { cookie, csrf } = await signIn(await t.key('read', 'submit'));
    const junk = 'A'.repeat(12_000);
    expect(await status('/v1/requests', { headers: { cookie: `mgdpr_session=${junk}` } })).toBe(401);
    // Past Node's header limit: 431, not a crash.
    expect(await status('/v1/requests', { headers: { cookie: `mgdpr_session=${junk}${junk}` } })).toBe(431);
    const post = await fetch(`${t.baseUrl}/v1/requests`, {
      method: 'POST',
      headers: fromPage(cookie, junk),
      body: JSON.stringify(erasure('ATK-H')),
    });
    expect(post.status).toBe(403);
    expect(t.ledger.state.requests.size).toBe(0);
    expectLogsFree(junk.slice(0, 100), cookie.split('=')[1]!, csrf);
  });

  it('many cookies, with the session one duplicated: the first counts, a second good one does not rescue a bad first', async () => {
    const { cookie } = await signIn(await t.key('read'));
    expect(await status('/v1/requests', { headers: { cookie: `a=1; b=2; ${cookie}; c=3` } })).toBe(200);
    expect(await status('/v1/requests', { headers: { cookie: `mgdpr_session=bad; ${cookie}` } })).toBe(401);
  });
});

describe('revoked keys', () => {
  it("end the key's sessions for reads and changes, and cannot sign in again", async () => {
    const key = await t.key('read', 'submit', 'admin');
    const { cookie, csrf } = await signIn(key);
    await t.ledger.append({ type: 'key.revoked', keyId: key.split('_')[1]!, at: t.clock.ms });
    expect(await status('/v1/session', { headers: { cookie } })).toBe(401);
    const post = await fetch(`${t.baseUrl}/v1/requests`, {
      method: 'POST',
      headers: fromPage(cookie, csrf),
      body: JSON.stringify(erasure('ATK-R')),
    });
    expect(post.status).toBe(401);
    expect(t.ledger.state.requests.size).toBe(0);
    expect((await signIn(key)).response.status).toBe(401);
  });

  it('revoked by another process (the CLI), end on the very next request: the store is read before the cookie is judged', async () => {
    const key = await t.key('read');
    const { cookie } = await signIn(key);
    expect(await status('/v1/requests', { headers: { cookie } })).toBe(200);
    const cli = await FileLedger.open(join(t.dir, 'ledger.jsonl'));
    try {
      await cli.append({ type: 'key.revoked', keyId: key.split('_')[1]!, at: t.clock.ms });
    } finally {
      await cli.close();
    }
    expect(t.ledger.state.keys.get(key.split('_')[1]!)?.revokedAt).toBeUndefined();
    expect(await status('/v1/requests', { headers: { cookie } })).toBe(401);
  });
});

describe('CSRF', () => {
  it("refuse another session's token, a token with a cross-site or null Origin, and same-site siblings", async () => {
    const mine = await signIn(await t.key('read', 'submit'));
    const theirs = await signIn(await t.key('read', 'submit'));
    const post = (headers: Record<string, string>) =>
      fetch(`${t.baseUrl}/v1/requests`, { method: 'POST', headers, body: JSON.stringify(erasure('ATK-C')) });
    const refused: [string, Record<string, string>][] = [
      ["another session's token", fromPage(mine.cookie, theirs.csrf)],
      ['cross-site Origin', fromPage(mine.cookie, mine.csrf, { origin: 'https://evil.example' })],
      ['Origin: null', fromPage(mine.cookie, mine.csrf, { origin: 'null' })],
      ['same host, other port', fromPage(mine.cookie, mine.csrf, { origin: 'http://127.0.0.1:1' })],
      ['Sec-Fetch-Site: same-site', fromPage(mine.cookie, mine.csrf, { 'sec-fetch-site': 'same-site' })],
      ['Sec-Fetch-Site: none', fromPage(mine.cookie, mine.csrf, { 'sec-fetch-site': 'none' })],
      ['token in lower/upper case', fromPage(mine.cookie, mine.csrf.toUpperCase())],
      [
        'token one character off',
        fromPage(mine.cookie, `${mine.csrf.slice(0, -1)}${mine.csrf.endsWith('A') ? 'B' : 'A'}`),
      ],
      ['token with one more character', fromPage(mine.cookie, `${mine.csrf}A`)],
      ['the cookie value as token', fromPage(mine.cookie, mine.cookie.split('=')[1]!)],
    ];
    for (const [name, headers] of refused) expect((await post(headers)).status, name).toBe(403);
    // No Origin but a cross-site fetch: the browser says so in Sec-Fetch-Site.
    const { origin: _, ...noOrigin } = fromPage(mine.cookie, mine.csrf, { 'sec-fetch-site': 'cross-site' });
    expect((await post(noOrigin)).status).toBe(403);
    expect(t.ledger.state.requests.size).toBe(0);
    // The control: the right token from the page works.
    expect((await post(fromPage(mine.cookie, mine.csrf))).status).toBe(201);
  });

  it('DELETE /v1/session and cancel need the token too (a cross-site form cannot sign the visitor out or cancel)', async () => {
    const submit = await t.client('read', 'submit');
    const requestId = (await submit.createRequest(erasure('ATK-D') as never)).value.requestId;
    const { cookie, csrf } = await signIn(await t.key('read', 'submit', 'admin'));
    const cancel = (headers: Record<string, string>) =>
      fetch(`${t.baseUrl}/v1/requests/${requestId}/cancel`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ reason: 'attack' }),
      });
    expect((await cancel(fromPage(cookie))).status).toBe(403);
    expect((await cancel(fromPage(cookie, csrf, { origin: 'https://evil.example' }))).status).toBe(403);
    expect(t.ledger.state.requests.get(requestId)?.cancelled).toBeUndefined();
    const out = await raw('DELETE', '/v1/session', { cookie, origin: 'https://evil.example', 'x-csrf-token': csrf });
    expect(out.status).toBe(403);
    expect(out.headers['set-cookie']).toBeUndefined();
    // The control: with the token, from the page, the cancel goes through (so the check above can fail).
    expect((await cancel(fromPage(cookie, csrf))).status).toBeLessThan(300);
    expect(t.ledger.state.requests.get(requestId)?.cancelled).toBeDefined();
  });

  it('sign-in CSRF: a cross-site, null-origin or cross-site-fetch sign-in sets no cookie', async () => {
    const key = await t.key('read');
    const body = JSON.stringify({ apiKey: key });
    for (const headers of [
      { origin: 'null' },
      { origin: 'https://evil.example' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site', origin: t.baseUrl },
      // A form can post text/plain with a JSON-looking body.
      { origin: 'https://evil.example', 'content-type': 'text/plain' },
    ] as Record<string, string>[]) {
      const answer = await raw('POST', '/v1/session', { 'content-type': 'application/json', ...headers }, body);
      expect(answer.status, JSON.stringify(headers)).toBeGreaterThanOrEqual(400);
      expect(answer.headers['set-cookie'], JSON.stringify(headers)).toBeUndefined();
    }
    expectLogsFree(key.slice('mgdpr_0123456789abcdef_'.length));
  });

  it('GETs change nothing and get no CORS: another origin cannot read the CSRF token', async () => {
    const { cookie } = await signIn(await t.key('read'));
    const answer = await raw('GET', '/v1/session', { cookie, origin: 'https://evil.example' });
    expect(answer.status).toBe(200);
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    expect(answer.headers['access-control-allow-credentials']).toBeUndefined();
    expect(answer.headers['cross-origin-resource-policy']).toBe('same-origin');
    const preflight = await raw('OPTIONS', '/v1/requests', {
      origin: 'https://evil.example',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'x-csrf-token',
    });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('a key and a cookie together', () => {
  it('are judged by the key alone: a read key with an admin session cookie cannot cancel or file', async () => {
    const requestId = await fileRequest('ATK-K');
    const admin = await signIn(await t.key('read', 'submit', 'admin'));
    const readKey = await t.key('read');
    const cancel = await fetch(`${t.baseUrl}/v1/requests/${requestId}/cancel`, {
      method: 'POST',
      headers: { ...fromPage(admin.cookie, admin.csrf), authorization: `Bearer ${readKey}` },
      body: JSON.stringify({ reason: 'attack' }),
    });
    expect(cancel.status).toBe(403);
    expect(((await cancel.json()) as { detail: string }).detail).toMatch(/API key lacks the admin scope/);
    expect(t.ledger.state.requests.get(requestId)?.cancelled).toBeUndefined();
    // Subjects: a read key next to a submit cookie still gets masked ids.
    const subjects = await fetch(`${t.baseUrl}/v1/requests/${requestId}/subjects`, {
      headers: { cookie: admin.cookie, authorization: `Bearer ${readKey}` },
    });
    expect(((await subjects.json()) as { revealed: boolean }).revealed).toBe(false);
  });

  it('an empty or non-Bearer Authorization header does not fall back to the cookie', async () => {
    const { cookie } = await signIn(await t.key('read'));
    for (const authorization of ['', 'Basic dXNlcjpwYXNz', 'Bearer', 'bearer x'])
      expect((await raw('GET', '/v1/requests', { cookie, authorization })).status, authorization).toBe(401);
  });
});

describe('scopes of a session', () => {
  it('a read session cannot file, extend, cancel, list or download exports, read metrics or use OpenDSR', async () => {
    const requestId = await fileRequest('ATK-S');
    const { cookie, csrf } = await signIn(await t.key('read'));
    const h = fromPage(cookie, csrf);
    const calls: [string, string, string | undefined, number][] = [
      ['POST', '/v1/requests', JSON.stringify(erasure('ATK-S2')), 403],
      ['POST', `/v1/requests/${requestId}/extension`, JSON.stringify({ reason: 'x' }), 403],
      ['POST', `/v1/requests/${requestId}/cancel`, JSON.stringify({ reason: 'x' }), 403],
      ['GET', `/v1/requests/${requestId}/exports`, undefined, 403],
      ['GET', `/v1/requests/${requestId}/exports/web`, undefined, 403],
      ['GET', '/metrics', undefined, 401],
      ['GET', '/opendsr/v1/opencompliance_requests/8a7f6e5d-4c3b-4a29-8877-665544332211', undefined, 401],
    ];
    for (const [method, path, body, expected] of calls)
      expect((await raw(method, path, h, body)).status, `${method} ${path}`).toBe(expected);
    expect(t.ledger.state.requests.size).toBe(1);
    expect(t.ledger.state.requests.get(requestId)?.cancelled).toBeUndefined();
  });

  it('a submit session cannot cancel or read metrics (admin, and metrics only with a key)', async () => {
    const requestId = await fileRequest('ATK-S3');
    const submit = await signIn(await t.key('read', 'submit'));
    expect(
      (
        await raw(
          'POST',
          `/v1/requests/${requestId}/cancel`,
          fromPage(submit.cookie, submit.csrf),
          JSON.stringify({ reason: 'x' }),
        )
      ).status,
    ).toBe(403);
    const admin = await signIn(await t.key('read', 'submit', 'admin'));
    expect((await raw('GET', '/metrics', { cookie: admin.cookie })).status).toBe(401);
  });

  it('a read session sees no distinct id in full through subjects, the request or the listings', async () => {
    const requestId = await fileRequest('ATK-M');
    const { cookie } = await signIn(await t.key('read'));
    for (const path of [
      `/v1/requests/${requestId}/subjects?limit=1000`,
      `/v1/requests/${requestId}`,
      '/v1/requests',
      '/v1/deadlines',
      '/v1/projects',
    ]) {
      const answer = await raw('GET', path, { cookie });
      expect(answer.status, path).toBe(200);
      for (const id of IDS) {
        expect(answer.text, path).not.toContain(id);
        // Nor most of it: the mask keeps 4 characters of an id.
        expect(answer.text, path).not.toContain(id.slice(1, -1));
      }
    }
  });

  // Found by this review: the evidence pack needed only `read` and listed every distinct id in full. A read-only
  // caller now gets them masked, as in the subjects listing.
  it('a read session cannot read the distinct ids through the evidence pack', async () => {
    const requestId = await fileRequest('ATK-E');
    const { cookie } = await signIn(await t.key('read'));
    const answer = await raw('GET', `/v1/requests/${requestId}/evidence`, { cookie });
    const markdown = await raw('GET', `/v1/requests/${requestId}/evidence?format=markdown`, { cookie });
    expect(answer.status).toBe(200);
    for (const id of IDS) expect(answer.text + markdown.text).not.toContain(id);
    expect(answer.text).toContain('al••••om');
    // The scope that sees exports sees the ids.
    const submit = await signIn(await t.key('read', 'submit'));
    const whole = await raw('GET', `/v1/requests/${requestId}/evidence`, { cookie: submit.cookie });
    for (const id of IDS) expect(whole.text).toContain(id);
  });
});

describe('subjects cursors', () => {
  const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  it('refuse negative, fractional, unsafe, string, wrong-request and garbage offsets; huge safe ones give an empty page', async () => {
    const requestId = await fileRequest('ATK-CUR');
    const other = await fileRequest('ATK-CUR2');
    const submit = await signIn(await t.key('read', 'submit'));
    const get = (cursor: string, limit = '') =>
      raw('GET', `/v1/requests/${requestId}/subjects?cursor=${encodeURIComponent(cursor)}${limit}`, {
        cookie: submit.cookie,
      });
    for (const bad of [
      cursorOf([-1, requestId]),
      cursorOf([1.5, requestId]),
      cursorOf([2 ** 53, requestId]),
      cursorOf(['1', requestId]),
      cursorOf([1, other]),
      cursorOf([1]),
      cursorOf({ 0: 1, 1: requestId }),
      Buffer.from(`[1e400,"${requestId}"]`).toString('base64url'),
      'not a cursor',
      '%%%',
      'A'.repeat(5000),
    ]) {
      const answer = await get(bad);
      expect(answer.status, bad.slice(0, 40)).toBe(400);
      // The problem names the field, and does not echo the attacker's text back.
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(answer.text).not.toContain('not a cursor');
    }
    const huge = await get(cursorOf([Number.MAX_SAFE_INTEGER, requestId]));
    expect(huge.status).toBe(200);
    expect(JSON.parse(huge.text)).toMatchObject({ total: IDS.length, items: [], nextCursor: null });
    for (const limit of ['&limit=0', '&limit=1001', '&limit=-1', '&limit=1e3x'])
      expect((await get(cursorOf([0, requestId]), limit)).status, limit).toBe(400);
  });
});

describe('cache headers', () => {
  it('API answers with personal data or the CSRF token are not stored by a browser or proxy', async () => {
    const requestId = await fileRequest('ATK-CACHE');
    const { cookie } = await signIn(await t.key('read', 'submit'));
    for (const path of [
      '/v1/session',
      `/v1/requests/${requestId}/subjects`,
      `/v1/requests/${requestId}`,
      '/v1/requests',
    ]) {
      const answer = await raw('GET', path, { cookie });
      expect(answer.status, path).toBe(200);
      expect(answer.headers['cache-control'], path).toBe('no-store');
    }
    const signedIn = await raw('POST', '/v1/session', fromPage(), JSON.stringify({ apiKey: await t.key('read') }));
    expect(signedIn.headers['cache-control']).toBe('no-store');
    // Problems too: a 401 must not be cached in place of the real answer.
    expect((await raw('GET', '/v1/requests', {})).headers['cache-control']).toBe('no-store');
    // The dashboard's files keep revalidating by ETag.
    expect((await raw('GET', '/assets/app.js', {})).headers['cache-control']).toBe('no-cache');
  });
});

describe("the dashboard's files", () => {
  it('no path out of the folder or to a file outside assets/, however spelled', async () => {
    for (const path of [
      '/assets/../index.html',
      '/assets/..%2findex.html',
      '/assets/..%2Fsecret.json',
      '/assets/%2e%2e/secret.json',
      '/assets/..\\secret.json',
      '/assets//app.js',
      '/assets/./app.js',
      '/assets/APP.JS',
      '/assets/app.js/',
      '/assets/app.js%00',
      '/assets/app.js.map',
      '/assets/leak.txt',
      '/assets/',
      '/assets',
      '/index.html',
      '/secret.json',
      '//assets/app.js',
    ])
      expect((await raw('GET', path, {})).status, path).toBe(404);
    expect((await raw('GET', '/assets/app.js?v=1', {})).status).toBe(200);
  });

  it('a 404 echoes no markup a browser would run: problem+json, nosniff and a CSP that runs nothing', async () => {
    const answer = await raw('GET', '/assets/%3Cscript%3Ealert(1)%3C%2Fscript%3E<img>', {});
    expect(answer.status).toBe(404);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
    expect(answer.headers['content-security-policy']).toContain("default-src 'none'");
    expect(answer.text.length).toBeLessThan(400);
    const api = await raw('GET', '/v1/nope/%3Cscript%3E', {});
    expect(api.status).toBe(404);
    expect(api.text).not.toContain('script');
  });

  it('HEAD gives headers without a body; OPTIONS, POST and DELETE are not served', async () => {
    const head = await raw('HEAD', '/', {});
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    expect(head.headers['content-security-policy']).toContain("script-src 'self'");
    expect((await raw('HEAD', '/assets/app.js', {})).status).toBe(200);
    for (const method of ['OPTIONS', 'POST', 'DELETE', 'PUT'])
      for (const path of ['/', '/assets/app.js'])
        expect((await raw(method, path, {}, '')).status, `${method} ${path}`).toBe(404);
  });

  it('a page cannot be framed and runs no inline script', async () => {
    const page = await raw('GET', '/', {});
    const csp = page.headers['content-security-policy'] as string;
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("base-uri 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(page.headers['x-frame-options']).toBe('SAMEORIGIN');
  });

  it('are read from a folder given as a relative path too (same files, same URLs)', async () => {
    const absolute = await readDashboardFiles(root);
    const rel = relative(process.cwd(), root);
    const fromRelative = await readDashboardFiles(rel);
    expect([...fromRelative.keys()].sort()).toEqual([...absolute.keys()].sort());
    const dotted = await readDashboardFiles(`./${rel}`);
    expect([...dotted.keys()].sort()).toEqual([...absolute.keys()].sort());
  });
});

describe('secrets stay out of logs, URLs and errors', () => {
  it('no key, cookie, CSRF token or distinct id in the log after sign-in, use, failure and sign-out', async () => {
    const key = await t.key('read', 'submit');
    const { cookie, csrf } = await signIn(key);
    const requestId = (
      await (
        await fetch(`${t.baseUrl}/v1/requests`, {
          method: 'POST',
          headers: fromPage(cookie, csrf),
          body: JSON.stringify(erasure('ATK-L')),
        })
      ).json()
    ).requestId as string;
    await raw('GET', `/v1/requests/${requestId}/subjects?cursor=${'x'.repeat(40)}`, { cookie });
    await raw('GET', `/v1/requests/${requestId}/subjects`, { cookie });
    await raw('POST', '/v1/requests', fromPage(cookie, 'y'.repeat(43)), JSON.stringify(erasure('ATK-L2')));
    await raw('DELETE', '/v1/session', fromPage(cookie, csrf));
    await raw('POST', '/v1/session', fromPage(), JSON.stringify({ apiKey: `${key}x` }));
    expect(t.logs.length).toBeGreaterThan(0);
    expectLogsFree(key.slice('mgdpr_0123456789abcdef_'.length), cookie.split('=')[1]!, csrf, ...IDS);
  });

  it('a malformed sign-in body is refused without echoing the key back', async () => {
    const key = await t.key('read');
    const secret = key.slice('mgdpr_0123456789abcdef_'.length);
    // Broken JSON: V8's SyntaxError quotes the start of the text it could not parse.
    const answer = await raw('POST', '/v1/session', fromPage(), `{"apiKey": ${key}}`);
    expect(answer.status).toBe(400);
    expect(answer.text).toMatch(/JSON/);
    expect(answer.text).not.toContain(secret.slice(0, 8));
    expect(answer.text).not.toContain(key.slice(0, 20));
  });

  it('the service client never puts the key or the CSRF token in its errors', async () => {
    const key = await t.key('read');
    const secret = key.slice('mgdpr_0123456789abcdef_'.length);
    // A wrong key of the right shape, and a broken one: the errors name neither.
    for (const apiKey of [`${key.slice(0, -4)}AAAA`, `${key}"`]) {
      const error = await clientSignIn({ baseUrl: t.baseUrl, apiKey }).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(error).toBeInstanceOf(Error);
      const text = `${error!.message} ${JSON.stringify(error)} ${String((error as Error).stack)}`;
      expect(text).not.toContain(secret.slice(0, 12));
    }
    // A session client outside a browser has no cookie: its 401/403 errors must not hold the token it was given.
    const { csrf } = await signIn(key);
    const client = createServiceClient({ baseUrl: t.baseUrl, session: { csrfToken: csrf } });
    const error = await client.signOut().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(ServiceProblemError);
    expect(`${error!.message} ${JSON.stringify(error)}`).not.toContain(csrf);
  });

  it('ids are never put in a URL: the subjects cursor holds an offset and the request id only', async () => {
    const ids = Array.from({ length: 5 }, (_, i) => `person-${i}@example.org`);
    const requestId = await fileRequest('ATK-U', ids);
    const submit = await signIn(await t.key('read', 'submit'));
    const page = JSON.parse(
      (await raw('GET', `/v1/requests/${requestId}/subjects?limit=2`, { cookie: submit.cookie })).text,
    ) as { nextCursor: string };
    const decoded = Buffer.from(page.nextCursor, 'base64url').toString('utf8');
    expect(JSON.parse(decoded)).toEqual([2, requestId]);
    for (const id of ids) expect(decoded).not.toContain(id);
  });
});

describe('sameText', () => {
  it('is false for different lengths and multi-byte look-alikes, true only for equal strings', () => {
    expect(sameText('abc', 'abc')).toBe(true);
    expect(sameText('abc', 'abcd')).toBe(false);
    expect(sameText('é', 'e\u0301')).toBe(false);
    expect(sameText('\u00e9a', 'éa')).toBe(true);
    expect(sameText('', '')).toBe(true);
  });
});

// Found by this review: stateless cookies outlived sign-out. Sign-out is now recorded (`session.ended`).
it('a cookie copied before sign-out no longer works after it', async () => {
  const { cookie, csrf } = await signIn(await t.key('read'));
  expect((await raw('DELETE', '/v1/session', fromPage(cookie, csrf))).status).toBe(204);
  expect((await raw('GET', '/v1/requests', { cookie })).status).toBe(401);
});
