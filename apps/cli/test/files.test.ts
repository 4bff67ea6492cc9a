/** End to end: the built binary and the files it keeps (ledger, pace file, report), against hostile or odd files. */
import { chmod, lstat, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeMixpanel, startFakeMixpanel } from '@mixpanel-gdpr/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type CliRun, ndjson, SECRETS, startCli } from './helpers.js';

let fake: FakeMixpanel;
let root: string;
let dir: string;
let ledger: string;
let env: Record<string, string>;
const fast = ['--rate', '20', '--poll-min-ms', '100', '--poll-max-ms', '400'];
const DAY_MS = 86_400_000;
/** Far less than the day a future pace file used to make a command wait; a hung run is killed at this point. */
const QUICK_MS = 20_000;

beforeAll(async () => {
  fake = await startFakeMixpanel({
    oauthToken: SECRETS.oauth,
    projectToken: SECRETS.project,
    timings: { pendingMs: 100, stagingMs: 100, startedMs: 100 },
  });
  root = await mkdtemp(join(tmpdir(), 'mpgdpr-files-'));
});
afterAll(async () => {
  await fake.close();
  await rm(root, { recursive: true, force: true });
});
beforeEach(async () => {
  dir = await mkdtemp(join(root, 'case-'));
  ledger = join(dir, 'ledger.jsonl');
  env = {
    MIXPANEL_GDPR_OAUTH_TOKEN: SECRETS.oauth,
    MIXPANEL_PROJECT_TOKEN: SECRETS.project,
    MIXPANEL_GDPR_BASE_URL: fake.url,
    MIXPANEL_GDPR_LEDGER: ledger,
  };
  await writeFile(join(dir, 'people.csv'), 'email,distinct_id\na@x.com,c-1\nb@x.com,c-2\n');
});

/** Runs the CLI, killing it after QUICK_MS; `ms` is how long it took. */
async function run(args: string[], extra: Record<string, string> = {}): Promise<CliRun & { ms: number }> {
  const started = Date.now();
  const { child, done } = startCli(args, { ...env, ...extra });
  const timer = setTimeout(() => child.kill('SIGKILL'), QUICK_MS);
  const result = await done;
  clearTimeout(timer);
  return { ...result, ms: Date.now() - started };
}

const deleteCsv = () => [...fast, '--json', 'delete', '--ids', join(dir, 'people.csv'), '--column', 'distinct_id'];

describe('pace file', () => {
  it('ignores a pace file one day in the future with a warning naming it, and does not wait', async () => {
    const pace = `${ledger}.last-request`;
    await writeFile(pace, String(Date.now() + DAY_MS), { mode: 0o600 });
    const { code, stderr, ms } = await run(deleteCsv());
    expect(code, stderr).toBe(0);
    expect(ms).toBeLessThan(QUICK_MS);
    expect(stderr).toContain(`ignoring pace file ${pace}: it says the last request was sent at`);
    expect(stderr).toContain('(was the clock set back?)');
    const written = Number(await readFile(pace, 'utf8'));
    expect(Number.isInteger(written) && written <= Date.now() + 1).toBe(true);
    expect((await stat(pace)).mode & 0o777).toBe(0o600);
  });

  it('ignores a pace file holding garbage, with a warning', async () => {
    const pace = `${ledger}.last-request`;
    await writeFile(pace, 'soon', { mode: 0o600 });
    const { code, stderr } = await run(deleteCsv());
    expect(code, stderr).toBe(0);
    expect(stderr).toContain(
      `ignoring pace file ${pace}: it should hold the time of the last request in epoch ms, not "soon"`,
    );
  });

  it('neither reads nor writes through a pace file planted as a symlink, and replaces it', async () => {
    const pace = `${ledger}.last-request`;
    const target = join(dir, 'important.txt');
    await writeFile(target, String(Date.now() + DAY_MS));
    await symlink(target, pace);
    const { code, stderr, ms } = await run(deleteCsv());
    expect(code, stderr).toBe(0);
    expect(ms).toBeLessThan(QUICK_MS);
    expect(stderr).toContain(`pace file ${pace} is a symbolic link: refusing to follow it`);
    expect(Number(await readFile(target, 'utf8'))).toBeGreaterThan(Date.now());
    expect((await lstat(pace)).isFile()).toBe(true);
  });
});

describe('report --output', () => {
  async function finishedJob(): Promise<string> {
    const started = await run([...deleteCsv(), '--wait']);
    expect(started.code, started.stderr).toBe(0);
    return (ndjson(started.stdout).at(-1) as { jobId: string }).jobId;
  }

  it('makes an existing file 0600 and replaces what it held', async () => {
    const jobId = await finishedJob();
    const out = join(dir, 'report.md');
    await writeFile(out, `${'old secrets '.repeat(1000)}\n`);
    await chmod(out, 0o644);
    const { code, stderr } = await run(['report', jobId, '--format', 'md', '--output', out]);
    expect(code, stderr).toBe(0);
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    const text = await readFile(out, 'utf8');
    expect(text).toContain(jobId);
    expect(text).not.toContain('old secrets');
  });

  it('refuses a symlink, leaving its target untouched, with exit 2', async () => {
    const jobId = await finishedJob();
    const target = join(dir, 'important.txt');
    await writeFile(target, 'precious\n', { mode: 0o644 });
    const out = join(dir, 'report.csv');
    await symlink(target, out);
    const { code, stderr } = await run(['report', jobId, '--format', 'csv', '--output', out]);
    expect(code).toBe(2);
    expect(stderr).toContain(`--output: report file ${out} is a symbolic link: refusing to follow it`);
    expect(await readFile(target, 'utf8')).toBe('precious\n');
    expect((await stat(target)).mode & 0o777).toBe(0o644);
  });
});

describe('ledger', () => {
  it('refuses a file that is not a ledger before sending anything, leaving it untouched', async () => {
    const notes = join(dir, 'notes.txt');
    await writeFile(notes, 'call the bank\nbuy milk\n');
    const before = fake.requests.length;
    const { code, stderr } = await run(deleteCsv(), { MIXPANEL_GDPR_LEDGER: notes });
    expect(code).not.toBe(0);
    expect(stderr).toContain(`${notes} is not a mixpanel-gdpr ledger`);
    expect(await readFile(notes, 'utf8')).toBe('call the bank\nbuy milk\n');
    expect(fake.requests.length).toBe(before);
  });

  it('refuses a ledger that is a symlink, leaving its target untouched', async () => {
    const target = join(dir, 'important.txt');
    await writeFile(target, 'precious\n');
    await symlink(target, ledger);
    const { code, stderr } = await run(deleteCsv());
    expect(code).not.toBe(0);
    expect(stderr).toContain(`ledger ${ledger} is a symbolic link`);
    expect(await readFile(target, 'utf8')).toBe('precious\n');
  });

  it('refuses a ledger in a directory every user can write (like /tmp)', async () => {
    const shared = join(dir, 'shared');
    await mkdir(shared);
    await chmod(shared, 0o1777);
    const { code, stderr } = await run(['jobs'], { MIXPANEL_GDPR_LEDGER: join(shared, 'ledger.jsonl') });
    expect(code).not.toBe(0);
    expect(stderr).toContain(
      `the directory ${shared} of ledger ${join(shared, 'ledger.jsonl')} is writable by its group and every user (mode 1777)`,
    );
  });
});
