/**
 * End to end: job states read right (not started, cancelled, complete), the
 * jobs list's window, and `watch` following every unfinished job at once.
 * The fake's clock moves only when a test moves it, so task states never
 * depend on this machine's speed.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeMixpanel, startFakeMixpanel } from '@mixpanel-gdpr/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ndjson, runCli, SECRETS, startCli } from './helpers.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
let fake: FakeMixpanel;
let fakeNow = Date.now();
let dir: string;
let env: Record<string, string>;
const fast = ['--rate', '50', '--poll-min-ms', '50', '--poll-max-ms', '200'];
let n = 0;
/** A fresh ledger per test: each starts from nothing. */
const fresh = () => ({ ...env, MIXPANEL_GDPR_LEDGER: join(dir, `ledger-${++n}.jsonl`) });

beforeAll(async () => {
  fake = await startFakeMixpanel({ oauthToken: SECRETS.oauth, projectToken: SECRETS.project, now: () => fakeNow });
  dir = await mkdtemp(join(tmpdir(), 'mpgdpr-states-'));
  env = {
    MIXPANEL_GDPR_OAUTH_TOKEN: SECRETS.oauth,
    MIXPANEL_PROJECT_TOKEN: SECRETS.project,
    MIXPANEL_GDPR_BASE_URL: fake.url,
  };
});

afterAll(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

/** Submits a job of `count` new ids in batches of 10, without waiting; returns its id. */
async function submitted(
  e: Record<string, string>,
  kind: 'delete' | 'retrieve' = 'delete',
  count = 50,
): Promise<string> {
  const file = join(dir, `ids-${++n}.txt`);
  await writeFile(file, Array.from({ length: count }, (_, i) => `s-${n}-${i}`).join('\n'));
  const extra = kind === 'retrieve' ? ['--out', join(dir, 'exports')] : [];
  const run = await runCli([...fast, '--json', kind, '--ids', file, '--batch-size', '10', ...extra], e);
  expect(run.code, run.stderr).toBe(0);
  return (ndjson(run.stdout).at(-1) as { jobId: string }).jobId;
}

describe('a cancelled job', () => {
  it('reads as cancelled, its ids CANCELLED and NOT deleted, and exits 0 for cancel, status and watch', async () => {
    const e = fresh();
    const jobId = await submitted(e);
    const cancelled = await runCli([...fast, '--json', 'cancel', jobId], e);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(ndjson(cancelled.stdout).at(-1)).toEqual({
      type: 'cancel',
      jobId,
      cancelled: 5,
      tooLate: 0,
      nothingToCancel: false,
    });
    const status = await runCli([...fast, '--json', 'status', jobId], e);
    expect(status.code, status.stderr).toBe(0);
    expect(ndjson(status.stdout).at(-1)).toMatchObject({
      state: 'cancelled',
      complete: true,
      ids: { byOutcome: { CANCELLED: 50 } },
      tasks: { byStatus: { REVOKED: 5 } },
    });
    const watched = await runCli([...fast, 'watch', jobId], e);
    expect(watched.code, watched.stderr).toBe(0);
    expect(watched.stdout).toMatch(/: cancelled\n/);
    expect(watched.stdout).toMatch(/cancelled\s+50 ids NOT deleted \(outcome CANCELLED\)/);
    const md = await runCli(['report', jobId, '--format', 'md'], e);
    expect(md.stdout).toContain('Status: **cancelled**');
    expect(md.stdout).toContain('ids marked CANCELLED were NOT deleted');
  });

  it('cancel on a job that has ended says there is nothing to cancel, and records nothing', async () => {
    const e = fresh();
    const jobId = await submitted(e);
    fakeNow += HOUR_MS;
    expect((await runCli([...fast, 'watch', jobId], e)).code).toBe(0);
    const before = fake.requests.length;
    const cancel = await runCli([...fast, 'cancel', jobId], e);
    expect(cancel.code, cancel.stderr).toBe(0);
    expect(cancel.stdout).toContain(`job ${jobId}: nothing to cancel: it is complete`);
    expect(fake.requests.length).toBe(before);
    expect(await readFile(e.MIXPANEL_GDPR_LEDGER, 'utf8')).not.toContain('job.cancelled');
    expect(ndjson((await runCli(['--json', 'jobs'], e)).stdout)[0]).toMatchObject({ jobId, state: 'complete' });
  });

  it('cancel on a retrieval is bad input: exit 2, code invalid_input, nothing sent', async () => {
    const e = fresh();
    const jobId = await submitted(e, 'retrieve', 2);
    const before = fake.requests.length;
    const run = await runCli([...fast, '--json', 'cancel', jobId], e);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      new RegExp(`^mixpanel-gdpr: error: job ${jobId} is a retrieval: only deletions can be cancelled\n$`),
    );
    expect(ndjson(run.stdout)).toEqual([
      {
        type: 'error',
        code: 'invalid_input',
        message: `job ${jobId} is a retrieval: only deletions can be cancelled`,
        exitCode: 2,
      },
    ]);
    expect(fake.requests.length).toBe(before);
  });
});

describe('jobs', () => {
  it('calls a job that sent nothing "not started", and lists finished jobs older than 7 days only with --all', async () => {
    const e = fresh();
    // Refused at its first batch (401): recorded, nothing created.
    const ids = join(dir, 'never.txt');
    await writeFile(ids, 'never-1\nnever-2\n');
    const refused = await runCli([...fast, 'delete', '--ids', ids], {
      ...e,
      MIXPANEL_GDPR_OAUTH_TOKEN: 'not-the-token',
    });
    expect(refused.code, refused.stderr).toBe(3);
    const old = await submitted(e);
    fakeNow += HOUR_MS;
    expect((await runCli([...fast, 'watch', old], e)).code).toBe(0);
    // The finished job's every record moves eight days back, as if it had ended then.
    const lines = (await readFile(e.MIXPANEL_GDPR_LEDGER, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { jobId?: string; at?: number });
    await writeFile(
      e.MIXPANEL_GDPR_LEDGER,
      `${lines.map((r) => JSON.stringify(r.jobId === old ? { ...r, at: r.at! - 8 * DAY_MS } : r)).join('\n')}\n`,
    );

    const recent = await runCli(['--json', 'jobs'], e);
    expect(ndjson(recent.stdout).map((j) => [j.state, j.jobId === old])).toEqual([['not started', false]]);
    expect(recent.stderr).toContain(
      '1 job that ended more than 7 days ago not shown: `mixpanel-gdpr jobs --all` lists every job',
    );
    const all = await runCli(['--json', 'jobs', '--all'], e);
    expect(ndjson(all.stdout).map((j) => j.state)).toEqual(['not started', 'complete']);
    expect((await runCli(['jobs'], e)).stdout).toMatch(/deletion +GDPR +2 ids +not started/);
  });
});

describe('watch with no job', () => {
  it('follows every unfinished job at once: a retrieval ends, with its summary, while a deletion still runs', async () => {
    const e = fresh();
    const start = fakeNow;
    const deletion = await submitted(e);
    const retrieval = await submitted(e, 'retrieve', 2);
    // The deletion comes first in the ledger, but the fake starts its tasks ten hours from now (its clock only moves forward: it keeps the rate).
    for (const task of fake.tasks.values())
      if (task.kind === 'deletion' && task.createdAt >= start) task.createdAt = start + 10 * HOUR_MS;
    fakeNow = start + HOUR_MS;
    const { child, done } = startCli([...fast, '--json', 'watch'], e);
    const summaries: string[] = [];
    let buffered = '';
    let released = false;
    const release = () => {
      if (!released) fakeNow = start + 12 * HOUR_MS;
      released = true;
    };
    // A watch that took the jobs one after the other would wait here for the deletion: it is released anyway after 20 s, and fails below.
    const timer = setTimeout(release, 20_000);
    child.stdout!.on('data', (d) => {
      buffered += d;
      for (const line of buffered.split('\n').slice(0, -1)) {
        const value = JSON.parse(line) as { type: string; jobId: string };
        if (value.type === 'summary') summaries.push(value.jobId);
        if (value.type === 'summary' && value.jobId === retrieval) release();
      }
      buffered = buffered.slice(buffered.lastIndexOf('\n') + 1);
    });
    const run = await done;
    clearTimeout(timer);
    expect(run.code, run.stderr).toBe(0);
    expect(summaries).toEqual([retrieval, deletion]);
    expect(
      ndjson(run.stdout)
        .filter((l) => l.type === 'summary')
        .map((l) => l.state),
    ).toEqual(['complete', 'complete']);
  });
});
