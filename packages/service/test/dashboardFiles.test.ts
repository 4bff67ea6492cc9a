import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from './helpers/startTestService.js';

let t: TestService;
let root: string;
const PAGE =
  '<!doctype html><html lang="en"><title>x</title><script type="module" src="/assets/app.js"></script></html>';

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mpgdpr-dashboard-'));
  await mkdir(join(root, 'assets'));
  await writeFile(join(root, 'index.html'), PAGE);
  await writeFile(join(root, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(join(root, 'assets', 'notes.md'), 'not served');
  t = await startTestService({ dashboardRoot: root });
});
afterAll(async () => {
  await t.close();
  await rm(root, { recursive: true, force: true });
});

describe("the dashboard's files", () => {
  it('are served with a strict Content-Security-Policy and revalidated by ETag', async () => {
    const page = await fetch(`${t.baseUrl}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toBe(PAGE);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const script = await fetch(`${t.baseUrl}/assets/app.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const etag = script.headers.get('etag')!;
    expect((await fetch(`${t.baseUrl}/assets/app.js`, { headers: { 'if-none-match': etag } })).status).toBe(304);
  });

  it('are only the files built: no other kind, no path out of the folder', async () => {
    for (const path of ['/assets/notes.md', '/assets/../index.html', '/assets/%2e%2e/%2e%2e/etc/passwd', '/assets/x'])
      expect((await fetch(`${t.baseUrl}${path}`)).status, path).toBe(404);
  });

  it('do not open the API: its answers carry the same headers and still need a key', async () => {
    const api = await fetch(`${t.baseUrl}/v1/requests`);
    expect(api.status).toBe(401);
    expect(api.headers.get('content-security-policy')).toContain("default-src 'none'");
  });
});
