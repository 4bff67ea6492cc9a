/** End to end: several commands on one file ledger at once, one pace per project between them. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeMixpanel, startFakeMixpanel } from '@mixpanel-gdpr/testing';
import { verifyLedger } from '@mixpanel-gdpr/workflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ndjson, runCli, SECRETS, startCli } from './helpers.js';

/** Our pace, and the fake's, a little looser: a 429 from the fake means two requests came closer than 1/rate. */
const RATE = 10;
const fast = ['--rate', String(RATE), '--poll-min-ms', '100', '--poll-max-ms', '300'];

let fake: FakeMixpanel;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  fake = await startFakeMixpanel({
    oauthToken: SECRETS.oauth,
    projectToken: SECRETS.project,
    ratePerSecond: RATE,
    rateTolerance: 0.15,
    // Slow tasks: the watch runs for a few seconds while the other commands come and go.
    timings: { pendingMs: 2_500, stagingMs: 500, startedMs: 500 },
  });
  dir = await mkdtemp(join(tmpdir(), 'mpgdpr-concurrency-'));
  env = {
    MIXPANEL_GDPR_OAUTH_TOKEN: SECRETS.oauth,
    MIXPANEL_PROJECT_TOKEN: SECRETS.project,
    MIXPANEL_GDPR_BASE_URL: fake.url,
    MIXPANEL_GDPR_LEDGER: join(dir, 'ledger.jsonl'),
  };
  for (const name of ['first', 'second'])
    await writeFile(join(dir, `${name}.txt`), Array.from({ length: 60 }, (_, i) => `${name}-${i}`).join('\n'));
});

afterAll(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

describe('one file ledger, several commands at once', () => {
  it('a long watch, a new delete, a cron status and a requests listing all succeed, and the pace holds at the fake', async () => {
    const started = await runCli(
      [...fast, '--json', 'delete', '--ids', join(dir, 'first.txt'), '--batch-size', '10'],
      env,
    );
    expect(started.code, started.stderr).toBe(0);
    const first = (ndjson(started.stdout).at(-1) as { jobId: string }).jobId;

    const watch = startCli([...fast, '--json', 'watch', first], env);
    // Let the watch take its job and start polling.
    await new Promise((r) => setTimeout(r, 500));
    const [deleted, status, requests] = await Promise.all([
      runCli([...fast, '--json', 'delete', '--ids', join(dir, 'second.txt'), '--batch-size', '10'], env),
      runCli([...fast, 'status'], env),
      runCli(['requests'], env),
    ]);
    const watched = await watch.done;

    expect(deleted.code, deleted.stderr).toBe(0);
    expect(status.code, status.stderr).toBe(0);
    // The cron pass left the watched job to its runner.
    expect(status.stderr).toContain(`job ${first} is being run by pid ${watch.child.pid}: skipped`);
    expect(requests.code, requests.stderr).toBe(0);
    expect(requests.stdout).toMatch(/run-/);
    expect(watched.code, watched.stderr).toBe(0);
    expect(ndjson(watched.stdout).at(-1)).toMatchObject({ type: 'summary', jobId: first, complete: true });

    const second = (ndjson(deleted.stdout).at(-1) as { jobId: string }).jobId;
    const done = await runCli([...fast, '--json', 'watch', second], env);
    expect(done.code, done.stderr).toBe(0);

    const api = fake.requests.filter((r) => !r.path.includes('export'));
    expect(api.length).toBeGreaterThan(20);
    const gaps = api.map((r, i) => ({
      gap: i ? Math.round(r.at - api[i - 1]!.at) : 0,
      op: r.operation,
      fault: r.fault,
    }));
    expect(
      api.filter((r) => r.fault === 'rate-limit'),
      JSON.stringify(gaps),
    ).toEqual([]);
    // Every process appended to one chain.
    expect(await verifyLedger(env.MIXPANEL_GDPR_LEDGER!)).toMatchObject({ ok: true });
  }, 60_000);
});
