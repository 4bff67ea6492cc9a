/** End to end: the built binary as a subprocess against the fake Mixpanel (stateful) and the Prism mock. */
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeMixpanel, startFakeMixpanel } from '@mixpanel-gdpr/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrism } from '../../../scripts/prism.mjs';
import { allOutput, ndjson, runCli, SECRETS, startCli } from './helpers.js';

let fake: FakeMixpanel;
let dir: string;
let env: Record<string, string>;
const fast = ['--rate', '20', '--poll-min-ms', '100', '--poll-max-ms', '400'];

beforeAll(async () => {
  fake = await startFakeMixpanel({
    oauthToken: SECRETS.oauth,
    projectToken: SECRETS.project,
    timings: { pendingMs: 300, stagingMs: 200, startedMs: 200 },
    failIds: ['doomed-1'],
  });
  dir = await mkdtemp(join(tmpdir(), 'mpgdpr-cli-'));
  env = {
    MIXPANEL_GDPR_OAUTH_TOKEN: SECRETS.oauth,
    MIXPANEL_PROJECT_TOKEN: SECRETS.project,
    MIXPANEL_GDPR_BASE_URL: fake.url,
    MIXPANEL_GDPR_LEDGER: join(dir, 'ledger.jsonl'),
  };
  await writeFile(join(dir, 'ids.txt'), Array.from({ length: 4500 }, (_, i) => `user-${i}`).join('\n'));
  await writeFile(join(dir, 'people.csv'), 'email,distinct_id\na@x.com,c-1\nb@x.com,c-2\n');
  await writeFile(join(dir, 'people-as-text.txt'), 'email,distinct_id\na@x.com,c-1\nb@x.com,c-2\n');
  await writeFile(join(dir, 'bad.csv'), 'distinct_id,x\n"c-1,2\nc-2,3\n');
  await writeFile(join(dir, 'people.ndjson'), '{"id":"n-1"}\n{"id":"n-2"}\n');
});

afterAll(async () => {
  await fake.close();
  // Nor written: ledgers, reports, exports and pace files hold no secret either.
  const written = await Promise.all(
    (await readdir(dir, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => readFile(join(e.parentPath ?? e.path, e.name), 'utf8')),
  );
  await rm(dir, { recursive: true, force: true });
  // Checked last, over every run: no secret was ever printed.
  const everything = [...allOutput, ...written].join('\n');
  expect(everything).not.toContain(SECRETS.oauth);
  expect(everything).not.toContain(SECRETS.project);
});

describe('help', () => {
  it('--version prints the package version', async () => {
    const { code, stdout } = await runCli(['--version']);
    expect(code).toBe(0);
    const { version } = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(stdout.trim()).toBe(version);
  });

  it.each(['', 'delete', 'retrieve', 'status', 'watch', 'resume', 'cancel', 'jobs', 'report'])(
    'mixpanel-gdpr %s --help shows examples and exits 0',
    async (command) => {
      const { code, stdout } = await runCli([...(command ? [command] : []), '--help']);
      expect(code).toBe(0);
      expect(stdout).toContain('Examples:');
    },
  );

  it("a command's --help lists the global options it uses, and only those", async () => {
    const options = async (command: string) =>
      (await runCli([command, '--help'])).stdout
        .split('Global Options:')[1]!
        .split('Examples:')[0]!
        .match(/^ {2}(--[a-z-]+)/gm)!
        .map((o) => o.trim());
    expect(await options('delete')).toEqual(
      expect.arrayContaining([
        '--ledger',
        '--json',
        '--region',
        '--oauth-token-file',
        '--rate',
        '--watch-deadline-ms',
        '--dry-run',
      ]),
    );
    expect(await options('jobs')).toEqual(['--ledger', '--database-url', '--json']);
    expect(await options('worker')).toEqual(expect.arrayContaining(['--database-url', '--config', '--rate']));
    expect(await options('worker')).not.toContain('--dry-run');
    expect(await options('cancel')).not.toContain('--dry-run');
  });

  it('--help lists every error code with its exit code', async () => {
    const { stdout } = await runCli(['--help']);
    for (const line of [
      'usage            2',
      'invalid_input    2',
      'project_mismatch 2',
      'auth             3',
      'not_found        4',
      'deadline         4',
      'interrupted      130',
    ])
      expect(stdout).toContain(line);
  });
});

describe('jobs', () => {
  it('deletes with --wait --json: NDJSON events then a summary on stdout, exit 0', async () => {
    const { code, stdout, stderr } = await runCli(
      [...fast, '--json', 'delete', '--ids', join(dir, 'ids.txt'), '--wait'],
      env,
    );
    expect(code, stderr).toBe(0);
    const lines = ndjson(stdout);
    expect(lines.some((l) => l.type === 'batch' && l.phase === 'submitted')).toBe(true);
    const summary = lines.at(-1)!;
    expect(summary).toMatchObject({
      type: 'summary',
      kind: 'deletion',
      complete: true,
      ids: { valid: 4500, byOutcome: { SUCCESS: 4500 } },
    });
    expect(stderr).toMatch(/job job-\S+: deletion of 4500 ids/);
  });

  it('--dry-run shows the batches and sends nothing, without credentials', async () => {
    const before = fake.requests.length;
    const { code, stdout } = await runCli(
      ['--dry-run', 'delete', '--ids', join(dir, 'ids.txt'), '--batch-size', '1000'],
      { MIXPANEL_GDPR_LEDGER: join(dir, 'unused.jsonl') },
    );
    expect(code).toBe(0);
    expect(stdout).toContain('Dry run: 4500 ids in 5 batches');
    expect(stdout).toContain('b000005   500 ids  (user-4000 … user-4499)');
    expect(fake.requests.length).toBe(before);
    await expect(stat(join(dir, 'unused.jsonl'))).rejects.toThrow();
  });

  it('retrieves ids from a CSV column, downloads the exports, and reports in every format', async () => {
    const out = join(dir, 'exports');
    const run = await runCli(
      [
        ...fast,
        'retrieve',
        '--ids',
        join(dir, 'people.csv'),
        '--column',
        'distinct_id',
        '--compliance',
        'ccpa',
        '--disclosure',
        'sources',
        '--out',
        out,
        '--wait',
      ],
      env,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('1 downloaded');
    const jobId = /Report: mixpanel-gdpr report (\S+)/.exec(run.stdout)![1]!;
    const [jobDir] = await readdir(out);
    expect(jobDir).toBe(jobId);
    const json = JSON.parse((await runCli(['report', jobId, '--format', 'json'], env)).stdout);
    expect(json.ids.map((r: { distinctId: string; outcome: string }) => [r.distinctId, r.outcome])).toEqual([
      ['c-1', 'SUCCESS'],
      ['c-2', 'SUCCESS'],
    ]);
    const csvFile = join(dir, 'report.csv');
    expect((await runCli(['report', jobId, '--format', 'csv', '--output', csvFile], env)).code).toBe(0);
    // Every run is a request now (here one named run-…): each id's row names its ticket.
    const [header, firstRow] = (await readFile(csvFile, 'utf8')).split('\n');
    expect(header).toBe('distinctId,tickets,outcome,taskIds,batchId,submittedAt,statusAt,note');
    expect(firstRow).toMatch(/^c-1,run-\d{8}-\d{6}-[0-9a-f]{6},SUCCESS,/);
    expect((await stat(csvFile)).mode & 0o777).toBe(0o600);
    expect((await runCli(['report', jobId, '--format', 'md'], env)).stdout).toContain(
      'A CCPA export covers only the previous year',
    );
    const jobs = ndjson((await runCli(['--json', 'jobs'], env)).stdout);
    expect(jobs.map((j) => j.jobId)).toContain(jobId);
  });

  it('reads NDJSON from stdin', async () => {
    const { code, stdout } = await runCli(
      [...fast, '--json', 'delete', '--ids', '-', '--field', 'id', '--wait'],
      env,
      '{"id":"s-1"}\n{"id":"s-2"}\n',
    );
    expect(code).toBe(0);
    expect(ndjson(stdout).at(-1)).toMatchObject({ ids: { valid: 2, byOutcome: { SUCCESS: 2 } }, source: 'stdin' });
  });

  it('submits without --wait, then status polls once, watch finishes, and exit 1 marks failed ids', async () => {
    // The fake's clock moves only when told: the status pass sees PENDING however slow this machine is.
    let fakeNow = Date.now();
    const timed = await startFakeMixpanel({
      oauthToken: SECRETS.oauth,
      projectToken: SECRETS.project,
      failIds: ['doomed-1'],
      now: () => fakeNow,
    });
    try {
      const e = { ...env, MIXPANEL_GDPR_BASE_URL: timed.url, MIXPANEL_GDPR_LEDGER: join(dir, 'status-watch.jsonl') };
      await writeFile(join(dir, 'mixed.txt'), 'ok-1\ndoomed-1\n');
      const started = await runCli([...fast, '--json', 'delete', '--ids', join(dir, 'mixed.txt')], e);
      expect(started.code).toBe(0);
      const { jobId } = ndjson(started.stdout).at(-1) as { jobId: string };
      const status = await runCli([...fast, '--json', 'status', jobId], e);
      expect(status.code, status.stderr).toBe(0);
      expect(ndjson(status.stdout).at(-1)).toMatchObject({
        jobId,
        complete: false,
        tasks: { byStatus: { PENDING: 1 } },
      });
      fakeNow += 3_600_000;
      const watched = await runCli([...fast, '--json', 'watch', jobId], e);
      expect(watched.code).toBe(1);
      expect(ndjson(watched.stdout).at(-1)).toMatchObject({ complete: true, ids: { byOutcome: { FAILURE: 2 } } });
    } finally {
      await timed.close();
    }
  });

  it('status --due polls only the tasks due on their schedule, for cron every few minutes', async () => {
    const e = { ...env, MIXPANEL_GDPR_LEDGER: join(dir, 'status-due.jsonl') };
    const started = await runCli(['--rate', '20', '--json', 'delete', '--ids', join(dir, 'ids.txt')], e);
    expect(started.code, started.stderr).toBe(0);
    const { jobId } = ndjson(started.stdout).at(-1) as { jobId: string };
    const polls = (since: number) => fake.requests.slice(since).filter((r) => r.operation === 'getDeletionStatus');
    const before = fake.requests.length;
    // Just submitted, on the default schedule: the first poll of a deletion is due 6 h after its submission.
    const due = await runCli(['--rate', '20', '--json', 'status', '--due', jobId], e);
    expect(due.code, due.stderr).toBe(0);
    expect(polls(before)).toEqual([]);
    expect(ndjson(due.stdout)).toContainEqual({
      type: 'not-due',
      jobId,
      tasks: 3,
      nextDueAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    // Without --due, a pass polls every outstanding task now.
    const all = await runCli(['--rate', '20', '--json', 'status', jobId], e);
    expect(all.code, all.stderr).toBe(0);
    expect(polls(before)).toHaveLength(3);
  });

  it('cancels a deletion that has not started', async () => {
    const slow = await startFakeMixpanel({
      oauthToken: SECRETS.oauth,
      projectToken: SECRETS.project,
      timings: { pendingMs: 60_000 },
    });
    try {
      const e = { ...env, MIXPANEL_GDPR_BASE_URL: slow.url, MIXPANEL_GDPR_LEDGER: join(dir, 'cancel.jsonl') };
      const started = await runCli([...fast, '--json', 'delete', '--ids', join(dir, 'ids.txt')], e);
      const { jobId } = ndjson(started.stdout).at(-1) as { jobId: string };
      const cancelled = await runCli([...fast, '--json', 'cancel', jobId], e);
      expect(cancelled.code).toBe(0);
      expect(ndjson(cancelled.stdout).at(-1)).toEqual({
        type: 'cancel',
        jobId,
        cancelled: 3,
        tooLate: 0,
        nothingToCancel: false,
      });
      expect(slow.requests.filter((r) => r.operation === 'cancelDeletion').map((r) => r.status)).toEqual([
        204, 204, 204,
      ]);
    } finally {
      await slow.close();
    }
  });
});

describe('watch deadline', () => {
  it('stops watching after --watch-deadline-ms with exit 4, and a later watch finishes the job', async () => {
    const slow = await startFakeMixpanel({
      oauthToken: SECRETS.oauth,
      projectToken: SECRETS.project,
      timings: { pendingMs: 2_500 },
    });
    try {
      const e = { ...env, MIXPANEL_GDPR_BASE_URL: slow.url, MIXPANEL_GDPR_LEDGER: join(dir, 'deadline.jsonl') };
      const first = await runCli(
        [
          ...fast,
          '--watch-deadline-ms',
          '500',
          'delete',
          '--ids',
          join(dir, 'people.csv'),
          '--column',
          'distinct_id',
          '--wait',
        ],
        e,
      );
      expect(first.code).toBe(4);
      expect(first.stderr).toMatch(/stopped watching job (job-\S+) after 500 ms and \d+ polls .*last seen: PENDING 1/);
      const later = await runCli([...fast, '--json', 'watch'], e);
      expect(later.code, later.stderr).toBe(0);
      expect(ndjson(later.stdout).at(-1)).toMatchObject({ complete: true, ids: { byOutcome: { SUCCESS: 2 } } });
    } finally {
      await slow.close();
    }
  });
});

describe('bad input fails before any request, with one line and exit 2', () => {
  const cases: Array<[string, string[], Record<string, string | undefined>, RegExp]> = [
    [
      'no OAuth token',
      ['delete', '--ids', 'IDS'],
      { MIXPANEL_GDPR_OAUTH_TOKEN: undefined },
      /no OAuth token: set MIXPANEL_GDPR_OAUTH_TOKEN/,
    ],
    ['no project token', ['delete', '--ids', 'IDS'], { MIXPANEL_PROJECT_TOKEN: undefined }, /no project token/],
    [
      'a bad region (env)',
      ['delete', '--ids', 'IDS'],
      { MIXPANEL_REGION: 'uk' },
      /--region must be us, eu or in \(got "uk"\)/,
    ],
    ['a bad region (flag)', ['--region', 'uk', 'delete', '--ids', 'IDS'], {}, /argument 'uk' is invalid/],
    ['a missing file', ['delete', '--ids', '/nope/ids.txt'], {}, /ids file "\/nope\/ids.txt" does not exist/],
    [
      'an unknown column',
      ['delete', '--ids', 'CSV', '--column', 'user'],
      {},
      /column "user" is not in .* \(columns: email, distinct_id\)/,
    ],
    ['malformed CSV', ['delete', '--ids', 'BAD', '--column', 'distinct_id'], {}, /is not valid CSV/],
    ['CSV without --column', ['delete', '--ids', 'CSV'], {}, /--column NAME is required/],
    [
      'plain http to a remote host',
      ['--base-url', 'http://example.com', 'delete', '--ids', 'IDS'],
      {},
      /plain http is allowed only on loopback/,
    ],
    [
      'disclosure with GDPR',
      ['retrieve', '--ids', 'IDS', '--disclosure', 'data'],
      {},
      /applies to CCPA retrievals only/,
    ],
    ['an unknown option', ['delete', '--ids', 'IDS', '--bogus'], {}, /unknown option '--bogus'/],
    ['an unknown job', ['report', 'job-nope'], {}, /no job "job-nope"/],
    ['a .txt file holding CSV', ['delete', '--ids', 'CSV_AS_TEXT'], {}, /--format csv --column distinct_id/],
  ];
  it.each(cases)('%s', async (_, args, extra, message) => {
    const before = fake.requests.length;
    const resolved = args.map((a) =>
      a === 'IDS'
        ? join(dir, 'ids.txt')
        : a === 'CSV'
          ? join(dir, 'people.csv')
          : a === 'BAD'
            ? join(dir, 'bad.csv')
            : a === 'CSV_AS_TEXT'
              ? join(dir, 'people-as-text.txt')
              : a,
    );
    const { code, stderr, stdout } = await runCli(resolved, { ...env, ...extra });
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    // One prefix for every error, commander's included.
    expect(stderr).toMatch(/^mixpanel-gdpr: error: /);
    expect(stdout).toBe('');
    expect(fake.requests.length).toBe(before);
  });

  it.each([
    ['an unknown option (commander)', ['delete', '--ids', 'IDS', '--bogus'], {}, 'usage'],
    ['a bad flag value', ['report', 'job-nope', '--format', 'xml'], {}, 'usage'],
    ['a missing ids file', ['delete', '--ids', '/nope/ids.txt'], {}, 'invalid_input'],
    ['an unknown job', ['report', 'job-nope'], {}, 'usage'],
  ])('with --json, %s is also an error object on stdout', async (_, args, extra, code) => {
    const resolved = args.map((a) => (a === 'IDS' ? join(dir, 'ids.txt') : a));
    const run = await runCli(['--json', ...resolved], { ...env, ...extra });
    expect(run.code).toBe(2);
    const lines = ndjson(run.stdout);
    expect(lines).toEqual([{ type: 'error', code, message: expect.any(String), exitCode: 2 }]);
    expect(run.stderr.split('\n')[0]).toBe(`mixpanel-gdpr: error: ${lines[0]!.message}`);
  });

  it('exits 3 when Mixpanel refuses the OAuth token, saying it may have expired', async () => {
    const { code, stderr } = await runCli(
      [...fast, 'delete', '--ids', join(dir, 'people.csv'), '--column', 'distinct_id'],
      { ...env, MIXPANEL_GDPR_OAUTH_TOKEN: 'expired-token-xyz' },
    );
    expect(code).toBe(3);
    expect(stderr).toContain('expire one year after creation');
    expect(stderr).not.toContain('expired-token-xyz');
    // The fake is a base URL of our own: the region cannot be what is wrong.
    expect(stderr).toContain(`Check the base URL (now ${fake.url})`);
    expect(stderr).not.toContain('data residency region');
  });

  it('with --json, refused credentials are an error object with code auth and exit code 3', async () => {
    const { code, stdout } = await runCli(
      [...fast, '--json', 'delete', '--ids', join(dir, 'people.csv'), '--column', 'distinct_id'],
      { ...env, MIXPANEL_GDPR_OAUTH_TOKEN: 'expired-token-xyz' },
    );
    expect(code).toBe(3);
    expect(ndjson(stdout).at(-1)).toMatchObject({ type: 'error', code: 'auth', exitCode: 3 });
  });
});

describe('Ctrl-C', () => {
  it('stops cleanly mid-job, says how to resume, and resume accounts for every id', async () => {
    const big = join(dir, 'big.txt');
    await writeFile(big, Array.from({ length: 30_000 }, (_, i) => `big-${i}`).join('\n'));
    const e = { ...env, MIXPANEL_GDPR_LEDGER: join(dir, 'sigint.jsonl') };
    const { child, done } = startCli(
      ['--rate', '4', '--poll-min-ms', '100', '--poll-max-ms', '400', 'delete', '--ids', big, '--wait'],
      e,
    );
    // Interrupted once its job is recorded (not after a fixed time: a busy machine may take longer to get there).
    await new Promise<void>((resolve) => {
      let seen = '';
      child.stderr!.on('data', (chunk: Buffer) => {
        seen += chunk;
        if (/job job-\S+: deletion/.test(seen)) resolve();
      });
    });
    child.kill('SIGINT');
    const stopped = await done;
    expect(stopped.code).toBe(130);
    const jobId = /resume (job-\S+)`/.exec(stopped.stderr)?.[1];
    expect(jobId, stopped.stderr).toBeDefined();
    const resumed = await runCli([...fast, '--json', 'resume', jobId!], e);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(ndjson(resumed.stdout).at(-1)).toMatchObject({
      complete: true,
      ids: { valid: 30_000, byOutcome: { SUCCESS: 30_000 } },
    });
  });
});

describe('against the Prism mock of the spec', () => {
  it('submits and polls with every request accepted by the spec', async () => {
    const prism = await startPrism({ args: ['--errors'] });
    try {
      const e = { ...env, MIXPANEL_GDPR_BASE_URL: prism.url, MIXPANEL_GDPR_LEDGER: join(dir, 'prism.jsonl') };
      const started = await runCli(
        [...fast, '--json', 'delete', '--ids', join(dir, 'people.csv'), '--column', 'distinct_id'],
        e,
      );
      expect(started.code, started.stderr).toBe(0);
      const { jobId } = ndjson(started.stdout).at(-1) as { jobId: string };
      const status = await runCli([...fast, '--json', 'status', jobId], e);
      expect(status.code, status.stderr).toBe(0);
      expect(ndjson(status.stdout).at(-1)).toMatchObject({ jobId, tasks: { total: 1, byStatus: { PENDING: 1 } } });
      expect(prism.output()).not.toContain('Violation');
    } finally {
      await prism.stop();
    }
  });
});
