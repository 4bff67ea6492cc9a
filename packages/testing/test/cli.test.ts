/** The built `mixpanel-gdpr-fake` command, run through its bin file as a child node process (killed directly, never through a wrapper). */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../../scripts/prism.mjs';

const BIN = new URL('../bin/mixpanel-gdpr-fake.js', import.meta.url).pathname;
const running = new Set<ChildProcess>();

// A failed test must not leave a fake listening.
afterEach(() => {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
});

function startFake(args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as string | null,
    stdout,
    stderr,
  }));
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => stdout.includes('\n') && resolve(stdout.split('\n')[0]!));
    void exited.then((r) => reject(new Error(`exited ${r.code} before listening: ${r.stderr}`)));
  });
  // Rejects only for a run that was meant to listen; the others never await it.
  firstLine.catch(() => {});
  return { child, exited, firstLine };
}

describe('mixpanel-gdpr-fake', () => {
  it('--help exits 0 and lists every flag', async () => {
    const { code, stdout } = await startFake(['--help']).exited;
    expect(code).toBe(0);
    for (const flag of [
      '--port',
      '--oauth-token',
      '--project-token',
      '--pending-ms',
      '--staging-ms',
      '--started-ms',
      '--fail-id',
      '--rate',
      '--rate-429',
      '--rate-5xx',
      '--rate-drop',
      '--rate-malformed',
      '--latency-ms',
      '--seed',
      '--export-link-ttl-ms',
      '--export-bytes',
      '--url-file',
    ]) {
      expect(stdout).toContain(`  ${flag} <`);
    }
  });

  it.each([
    [['--port', '70000'], '--port must be an integer from 0 to 65535 (got "70000")'],
    [['--rate-429', 'often'], '--rate-429 must be a number from 0 to 1 (got "often")'],
    [['--pending-ms', ''], '--pending-ms must be an integer >= 0 (got "")'],
    [['--export-host', '0.0.0.0'], '--export-host must be a loopback IPv4 address'],
    [['--no-such-flag'], "Unknown option '--no-such-flag'"],
  ])('refuses %j with exit 2, naming the flag and the value', async (args, message) => {
    const { code, stderr, stdout } = await startFake(args).exited;
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(stdout).toBe('');
  });

  it('serves on the given port with the given tokens and timings, and stops on SIGTERM', async () => {
    const port = await freePort();
    const dir = await mkdtemp(join(tmpdir(), 'mpgdpr-fake-cli-'));
    try {
      const fake = startFake([
        '--port',
        String(port),
        '--oauth-token',
        'cli-oauth',
        '--project-token',
        'cli-project',
        '--fail-id',
        'doomed',
        '--pending-ms',
        '0',
        '--staging-ms',
        '0',
        '--started-ms',
        '0',
        '--url-file',
        join(dir, 'url'),
      ]);
      const line = await fake.firstLine;
      const url = `http://127.0.0.1:${port}`;
      expect(line).toContain(`fake Mixpanel GDPR API at ${url} `);
      expect(line).not.toContain('cli-oauth');
      expect(await readFile(join(dir, 'url'), 'utf8')).toBe(url);

      const call = (path: string, init: RequestInit, token = 'cli-oauth') =>
        fetch(`${url}${path}?token=cli-project`, {
          ...init,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        });
      const created = await call('/data-deletions/v3.0', {
        method: 'POST',
        body: JSON.stringify({ distinct_ids: ['doomed'], compliance_type: 'GDPR' }),
      });
      expect([200, 201]).toContain(created.status);
      const taskId = ((await created.json()) as { results: { task_id: string } }).results.task_id;
      const status = await (await call(`/data-deletions/v3.0/${taskId}`, { method: 'GET' })).json();
      expect(status).toMatchObject({ results: { status: 'FAILURE' } });
      expect((await call(`/data-deletions/v3.0/${taskId}`, { method: 'GET' }, 'fake-oauth-token')).status).toBe(401);

      fake.child.kill('SIGTERM');
      expect(await fake.exited).toMatchObject({ code: 0 });
      await expect(fetch(url)).rejects.toThrow();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
