/**
 * The command installs like any npm CLI, as the README's Install section says:
 * the packed tarballs of the CLI and the packages it needs (`pnpm pack`
 * rewrites `workspace:` ranges) go into a fresh global prefix with
 * `npm install -g`, third-party dependencies from the npm registry (or npm's
 * cache). The installed `mixpanel-gdpr`, found on PATH, then runs against
 * the fake. And a fresh checkout installs without a warning.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { type FakeMixpanel, startFakeMixpanel } from '@mixpanel-gdpr/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPnpm } from '../../../scripts/pnpm.mjs';

const run = promisify(execFile);
const ROOT = new URL('../../..', import.meta.url).pathname;
const SECRETS = { oauth: 'install-OAUTH-secret-789', project: 'install-PROJECT-secret-012' };
const PACKAGES = ['cli', 'client', 'workflow'];

/** The environment without what a pnpm script adds (npm_config_*, npm_package_*…), which would steer npm. */
const cleanEnv = () => Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));

let dir: string;
let prefix: string;
let fake: FakeMixpanel;
let env: Record<string, string>;

beforeAll(async () => {
  // mkdtemp makes it 0700: the ledger refuses a folder others can write to.
  dir = await mkdtemp(join(tmpdir(), 'mpgdpr-install-'));
  prefix = join(dir, 'prefix');
  const packs = join(dir, 'packs');
  // The PostgreSQL store is an optional peer of the CLI: users of the file store never install it (or its driver).
  await runPnpm(
    [...PACKAGES.flatMap((p) => ['--filter', `@mixpanel-gdpr/${p}`]), 'pack', '--pack-destination', packs],
    { cwd: ROOT },
  );
  const tarballs = (await readdir(packs)).map((file) => join(packs, file));
  expect(tarballs.map((t) => basename(t)).sort()).toEqual(PACKAGES.map((p) => `mixpanel-gdpr-${p}-0.1.0.tgz`));
  await run(
    'npm',
    ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', '--prefer-offline', ...tarballs],
    { cwd: dir, env: cleanEnv() },
  );

  fake = await startFakeMixpanel({
    oauthToken: SECRETS.oauth,
    projectToken: SECRETS.project,
    timings: { pendingMs: 50, stagingMs: 50, startedMs: 50 },
  });
  await mkdir(join(dir, 'state'), { mode: 0o700 });
  await writeFile(join(dir, 'ids.txt'), 'erase-1\nerase-2\nerase-3\n');
  env = {
    // Only the prefix's bin folder and node's own: the command must come from the install.
    PATH: `${join(prefix, 'bin')}:${process.env.PATH}`,
    HOME: dir,
    NO_COLOR: '1',
    MIXPANEL_GDPR_OAUTH_TOKEN: SECRETS.oauth,
    MIXPANEL_PROJECT_TOKEN: SECRETS.project,
    MIXPANEL_GDPR_BASE_URL: fake.url,
    MIXPANEL_GDPR_LEDGER: join(dir, 'state', 'ledger.jsonl'),
  };
  // Alone this takes about 15 s; beside the rest of the suite on 2 cores, packing and npm's install wait far longer.
}, 600_000);

afterAll(async () => {
  await fake?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs the installed command by name, through PATH, as a user would. */
const cli = (args: string[]) =>
  run('mixpanel-gdpr', args, { cwd: dir, env }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      stdout: error.stdout,
      stderr: error.stderr,
    }),
  );

describe('the packed CLI installed with npm install -g', () => {
  it('puts mixpanel-gdpr on PATH, from a publishable package, each package licensed', async () => {
    expect((await stat(join(prefix, 'bin', 'mixpanel-gdpr'))).isFile()).toBe(true);
    const manifest = JSON.parse(
      await readFile(join(prefix, 'lib', 'node_modules', '@mixpanel-gdpr', 'cli', 'package.json'), 'utf8'),
    );
    // Changesets publishes (and versions) only packages that are not private.
    expect(manifest).not.toHaveProperty('private');
    expect(manifest).toMatchObject({
      license: 'MIT',
      engines: { node: '>=20.19' },
      bin: { 'mixpanel-gdpr': expect.any(String) },
    });
    const license = await readFile(join(ROOT, 'LICENSE'), 'utf8');
    for (const name of PACKAGES)
      expect(await readFile(join(prefix, 'lib', 'node_modules', '@mixpanel-gdpr', name, 'LICENSE'), 'utf8')).toBe(
        license,
      );
    const { code, stdout } = await cli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: mixpanel-gdpr');
    expect(stdout).toContain('Examples:');
  });

  it('shows the batches of a --dry-run delete and sends nothing', async () => {
    const { code, stdout } = await cli(['--dry-run', 'delete', '--ids', join(dir, 'ids.txt')]);
    expect(code).toBe(0);
    expect(stdout).toContain('Dry run: 3 ids in 1 batch');
    expect(fake.requests).toEqual([]);
  });

  it('deletes for real against the fake, tokens from the environment, the ledger in a private folder', async () => {
    const { code, stdout, stderr } = await cli([
      '--rate',
      '20',
      '--poll-min-ms',
      '50',
      '--poll-max-ms',
      '200',
      'delete',
      '--ids',
      join(dir, 'ids.txt'),
      '--wait',
    ]);
    expect(code, stderr).toBe(0);
    const creates = fake.requests.filter((r) => r.operation === 'createDeletion' && r.status < 300);
    expect(creates.map((r) => r.ids)).toEqual([['erase-1', 'erase-2', 'erase-3']]);
    expect(stdout).toMatch(/SUCCESS/);
    expect((await stat(join(dir, 'state', 'ledger.jsonl'))).mode & 0o777).toBe(0o600);
    expect(`${stdout}${stderr}`).not.toContain(SECRETS.oauth);
    expect(`${stdout}${stderr}`).not.toContain(SECRETS.project);
  });
});

describe('a fresh checkout', () => {
  it('installs with pnpm without a single warning (bins are linked before anything is built)', async () => {
    const checkout = join(dir, 'checkout');
    // What a clone holds: nothing built, nothing installed.
    const generated = new Set(['node_modules', 'dist', '.turbo', '.git', 'demo-output', 'coverage']);
    await cp(ROOT, checkout, {
      recursive: true,
      filter: (source) => !generated.has(basename(source)) && !source.endsWith('.tgz'),
    });
    // This workspace's store: on another disk, pnpm would otherwise start an empty one there and download everything.
    const store = (await runPnpm(['store', 'path'], { cwd: ROOT })).stdout.trim();
    const { stdout, stderr } = await runPnpm(
      ['install', '--frozen-lockfile', '--prefer-offline', '--store-dir', store],
      { cwd: checkout, env: cleanEnv() },
    );
    expect(`${stdout}${stderr}`).not.toMatch(/WARN/);
    expect(
      (await stat(join(checkout, 'packages', 'workflow', 'node_modules', '.bin', 'mixpanel-gdpr-fake'))).isFile(),
    ).toBe(true);
  }, 300_000);
});
