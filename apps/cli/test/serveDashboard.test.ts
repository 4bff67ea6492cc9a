/**
 * `serve` with the dashboard: the real command serves the built pages at `/`
 * under the service's Content-Security-Policy, signs a key in with a session
 * cookie, and serves the API alone with `--no-dashboard`.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listeningUrl, ndjson, runCli, startCli } from './helpers.js';

let dir: string;
const config = () => join(dir, 'config.yaml');
const env = { MIXPANEL_OAUTH: 'fake-oauth-token', MIXPANEL_PROJECT: 'fake-project-token' };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mpgdpr-serve-dashboard-'));
  await writeFile(join(dir, 'service.secret'), 'b'.repeat(48), { mode: 0o600 });
  await writeFile(
    config(),
    [
      `ledger: ${join(dir, 'ledger.jsonl')}`,
      'service:',
      `  secret: { file: ${join(dir, 'service.secret')} }`,
      'projects:',
      '  - name: web',
      '    region: us',
      // Never reached: --no-work.
      '    baseUrl: http://127.0.0.1:9',
      '    oauthToken: { env: MIXPANEL_OAUTH }',
      '    projectToken: { env: MIXPANEL_PROJECT }',
      '',
    ].join('\n'),
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Runs `serve` until `use` is done with its URL, then stops it with SIGTERM (the real process). */
async function withServe(flags: string[], use: (url: string) => Promise<void>): Promise<void> {
  const { child, done } = startCli(['--config', config(), 'serve', '--port', '0', '--no-work', ...flags], env);
  try {
    const url = await listeningUrl(child);
    await use(url);
  } finally {
    child.kill('SIGTERM');
    // Stopped by a signal: exit 130, as every interrupted command.
    expect((await done).code).toBe(130);
  }
}

describe('serve and the dashboard', () => {
  it('serves the pages under a strict policy, and signs a key in with a session cookie', async () => {
    const made = await runCli(
      ['--config', config(), '--json', 'keys', 'create', '--name', 'dpo', '--scope', 'read'],
      env,
    );
    expect(made.code, made.stderr).toBe(0);
    const key = ndjson(made.stdout).find((e) => e.type === 'key')!.key as string;
    await withServe([], async (url) => {
      const page = await fetch(`${url}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/<script type="module" src="\/assets\/app\.js"><\/script>/);
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect((await fetch(`${url}/assets/app.js`)).headers.get('content-type')).toMatch(/^text\/javascript/);
      const signIn = await fetch(`${url}/v1/session`, {
        method: 'POST',
        headers: { origin: url, 'content-type': 'application/json' },
        body: JSON.stringify({ apiKey: key }),
      });
      expect(signIn.status).toBe(201);
      const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
      expect((await fetch(`${url}/v1/requests`, { headers: { cookie } })).status).toBe(200);
    });
  });

  it('serves the API alone with --no-dashboard', async () => {
    await withServe(['--no-dashboard'], async (url) => {
      expect((await fetch(`${url}/`)).status).toBe(404);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    });
  });
});
