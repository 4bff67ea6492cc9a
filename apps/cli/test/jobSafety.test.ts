/** End to end: a job stays with its project, a pass always ends, exit codes tell the truth. */
import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeMixpanel, startFakeMixpanel } from '@mixpanel-gdpr/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ndjson, runCli, SECRETS, startCli } from './helpers.js';

let fake: FakeMixpanel;
let dir: string;
let env: Record<string, string>;
const fast = ['--rate', '50', '--poll-min-ms', '50', '--poll-max-ms', '200'];
let n = 0;
/** A fresh ledger per test: each starts from nothing. */
const fresh = () => ({ ...env, MIXPANEL_GDPR_LEDGER: join(dir, `ledger-${++n}.jsonl`) });

beforeAll(async () => {
  fake = await startFakeMixpanel({
    oauthToken: SECRETS.oauth,
    projectToken: SECRETS.project,
    timings: { pendingMs: 3_600_000 },
  });
  dir = await mkdtemp(join(tmpdir(), 'mpgdpr-safety-'));
  env = {
    MIXPANEL_GDPR_OAUTH_TOKEN: SECRETS.oauth,
    MIXPANEL_PROJECT_TOKEN: SECRETS.project,
    MIXPANEL_GDPR_BASE_URL: fake.url,
  };
  await writeFile(join(dir, 'ids.txt'), Array.from({ length: 50 }, (_, i) => `safe-${i}`).join('\n'));
});

afterAll(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

/** A deletion of 50 new ids in 5 tasks, submitted and left running (tasks stay PENDING for an hour). */
async function startedJob(e: Record<string, string>): Promise<string> {
  // Ids never used before: reused ones would meet their running deletion as a 409.
  const file = join(dir, `ids-${++n}.txt`);
  await writeFile(file, Array.from({ length: 50 }, (_, i) => `safe-${n}-${i}`).join('\n'));
  const started = await runCli([...fast, '--json', 'delete', '--ids', file, '--batch-size', '10'], e);
  expect(started.code, started.stderr).toBe(0);
  return (ndjson(started.stdout).at(-1) as { jobId: string }).jobId;
}

describe('a job is bound to its project', () => {
  it.each([
    ['resume', (job: string) => ['resume', job], () => ({ MIXPANEL_PROJECT_TOKEN: 'token-of-another-project' })],
    ['watch', (job: string) => ['watch', job], () => ({ MIXPANEL_PROJECT_TOKEN: 'token-of-another-project' })],
    ['status', (job: string) => ['status', job], () => ({ MIXPANEL_REGION: 'eu' })],
    [
      'cancel',
      (job: string) => ['cancel', job],
      () => ({ MIXPANEL_GDPR_BASE_URL: fake.url.replace('127.0.0.1', 'localhost') }),
    ],
  ])('%s with other credentials, region or URL exits 2 and sends nothing', async (_, args, change) => {
    const e = fresh();
    const jobId = await startedJob(e);
    const before = fake.requests.length;
    const { code, stderr } = await runCli([...fast, ...args(jobId)], { ...e, ...change() });
    expect(code, stderr).toBe(2);
    expect(stderr).toMatch(
      /belongs to another project: it was created for region us, .* project token sha256:[0-9a-f]{12}…, but this command calls/,
    );
    expect(stderr).not.toContain('token-of-another-project');
    expect(stderr).not.toContain(SECRETS.project);
    expect(fake.requests.length).toBe(before);
  });

  it("status over every job leaves other projects' jobs alone, and exits 2 if none is this project's", async () => {
    const e = fresh();
    await startedJob(e);
    const before = fake.requests.length;
    const { code, stderr } = await runCli([...fast, 'status'], {
      ...e,
      MIXPANEL_PROJECT_TOKEN: 'token-of-another-project',
    });
    expect(code).toBe(2);
    expect(stderr).toMatch(/belongs to another project .* left alone/);
    expect(fake.requests.length).toBe(before);
  });
});

describe('a 404 on a status poll', () => {
  it('stops the pass with a region hint and keeps every task outstanding', async () => {
    const e = fresh();
    const jobId = await startedJob(e);
    // Mixpanel (here: the fake) no longer knows these tasks, exactly as if the URL pointed elsewhere.
    const ledger = await readFile(e.MIXPANEL_GDPR_LEDGER, 'utf8');
    for (const taskId of ledger.match(/"taskId":"[^"]+"/g)!.map((m) => m.slice(10, -1))) fake.tasks.delete(taskId);
    const { code, stderr } = await runCli([...fast, 'status', jobId], e);
    expect(code).toBe(4);
    expect(stderr).toMatch(/404 .* region or base URL is probably wrong/);
    const report = await runCli(['--json', 'report', jobId, '--format', 'json'], e);
    expect(JSON.parse(report.stdout).summary.tasks.byStatus).toEqual({ SUBMITTED: 5 });
  });
});

describe('a cron pass always ends and covers every job', () => {
  it('skips a task id that must never reach the API, polls the other jobs, and exits 4', async () => {
    const e = fresh();
    const bad = await startedJob(e);
    const good = await startedJob(e);
    // A task id an older version took from a hostile server's answer.
    const at = Date.now();
    await appendFile(
      e.MIXPANEL_GDPR_LEDGER,
      `${JSON.stringify({ type: 'batch.planned', jobId: bad, at, batchId: 'evil', ids: ['u-evil'] })}\n${JSON.stringify({ type: 'batch.submitted', jobId: bad, at, batchId: 'evil', taskId: '../../evil' })}\n`,
    );
    const before = fake.requests.length;
    const { code, stdout, stderr } = await runCli([...fast, '--json', 'status'], e);
    expect(code, stderr).toBe(4);
    expect(stderr).toContain('task ../../evil not polled this time');
    const polled = fake.requests.slice(before).filter((r) => r.operation === 'getDeletionStatus');
    expect(polled).toHaveLength(10);
    expect(fake.requests.slice(before).every((r) => !r.path.includes('evil'))).toBe(true);
    expect(
      ndjson(stdout)
        .filter((l) => l.type === 'summary')
        .map((l) => l.jobId),
    ).toEqual([bad, good]);
  });

  it('ends a status pass against a server that keeps failing', async () => {
    const e = fresh();
    const jobId = await startedJob(e);
    fake.setFaults({ rate5xx: 1 });
    try {
      const { code, stderr } = await runCli([...fast, 'status', jobId], e);
      expect(code).toBe(4);
      expect(stderr).toMatch(/not polled this time: gave up after 3 failed attempts/);
    } finally {
      fake.setFaults({});
    }
  });
});

describe('exit codes tell the truth', () => {
  it.each([
    ['an empty file', 'empty.txt', ''],
    ['a file of blank lines', 'blank.txt', '\n  \n\n'],
    ['a file with no valid id', 'invalid.txt', `a\u0001b\n${'x'.repeat(300)}\n`],
  ])('%s: exit 2, nothing sent, no job left behind', async (_, name, content) => {
    const e = fresh();
    await writeFile(join(dir, name), content);
    const before = fake.requests.length;
    const { code, stderr } = await runCli([...fast, 'delete', '--ids', join(dir, name)], e);
    expect(code, stderr).toBe(2);
    expect(stderr).toMatch(/no (valid )?id in /);
    expect(fake.requests.length).toBe(before);
    const jobs = await runCli(['--json', 'jobs'], e);
    expect(jobs.stdout).toBe('');
  });

  it('closed stdin: exit 2, nothing sent', async () => {
    const before = fake.requests.length;
    const { code, stderr } = await runCli([...fast, 'delete', '--ids', '-'], fresh(), '');
    expect(code).toBe(2);
    expect(stderr).toContain('the input is empty');
    expect(fake.requests.length).toBe(before);
  });

  it('--ids DIR: exit 2, nothing recorded', async () => {
    const e = fresh();
    await mkdir(join(dir, 'a-directory'));
    const { code, stderr } = await runCli([...fast, 'delete', '--ids', join(dir, 'a-directory')], e);
    expect(code).toBe(2);
    expect(stderr).toContain('--ids must be a file of ids');
    expect((await readdir(dir)).filter((f) => f === `ledger-${n}.jsonl`)).toEqual([]);
  });

  it('some ids invalid: the summary says how many and where, and --wait exits 1', async () => {
    const quick = await startFakeMixpanel({
      oauthToken: SECRETS.oauth,
      projectToken: SECRETS.project,
      timings: { pendingMs: 50, stagingMs: 50, startedMs: 50 },
    });
    try {
      await writeFile(join(dir, 'mixed.txt'), 'ok-1\nbad\u0007id\nok-2\n');
      const { code, stderr } = await runCli([...fast, 'delete', '--ids', join(dir, 'mixed.txt'), '--wait'], {
        ...fresh(),
        MIXPANEL_GDPR_BASE_URL: quick.url,
      });
      expect(code, stderr).toBe(1);
      expect(stderr).toMatch(/1 invalid id was not sent:\n\s+input position 2: contains control characters/);
    } finally {
      await quick.close();
    }
  });

  it('resuming a cancelled job says it was cancelled', async () => {
    const e = fresh();
    const jobId = await startedJob(e);
    expect((await runCli([...fast, 'cancel', jobId], e)).code).toBe(0);
    const { child, done } = startCli([...fast, 'resume', jobId, '--no-wait'], e);
    const { stderr } = await done;
    expect(child.exitCode).not.toBeNull();
    expect(stderr).toMatch(new RegExp(`job ${jobId} was cancelled on .*: no batch will be sent`));
  });
});

describe('an interruption during a long 429 wait', () => {
  it('exits within seconds, not when Retry-After ends', async () => {
    const slow = await startFakeMixpanel({
      oauthToken: SECRETS.oauth,
      projectToken: SECRETS.project,
      faults: { rate429: 1, retryAfterSeconds: 3_600 },
    });
    try {
      const { child, done } = startCli([...fast, 'delete', '--ids', join(dir, 'ids.txt')], {
        ...fresh(),
        MIXPANEL_GDPR_BASE_URL: slow.url,
      });
      // Wait for the first 429 to come back, then interrupt.
      while (!slow.requests.some((r) => r.status === 429)) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 300));
      const signalledAt = Date.now();
      child.kill('SIGINT');
      const stopped = await done;
      expect(stopped.code).toBe(130);
      // Generous for a loaded machine; the bug was an hour.
      expect(Date.now() - signalledAt).toBeLessThan(10_000);
    } finally {
      await slow.close();
    }
  });
});
