/**
 * End to end, what reaches the terminal and the pipes: hostile text escaped,
 * closed pipes, SIGTERM, and tokens from files. The built binary runs as a
 * subprocess against the fake Mixpanel, or a tiny hostile server.
 */
import { once } from 'node:events';
import { chmod, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeMixpanel, startFakeMixpanel } from '@mixpanel-gdpr/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colors, toTerminalText } from '../src/toTerminalText.js';
import { allOutput, type CliRun, ndjson, runCli, SECRETS, startCli } from './helpers.js';

/** What a terminal would act on: C0 (but newline and tab), DEL, C1, line/paragraph separators, bidi controls. */
// eslint-disable-next-line no-control-regex
const ACTIVE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;
/** Everything a hostile server or file might try: a window title, clear screen, CR overwrite, backspace, bell, C1 CSI, bidi override, line separator. */
const HOSTILE = '\x1b]0;pwned\x07\x1b[2J\rOK\b\b\u009b31m\u202eevil\u2028';
const STACK_TRACE = /\n\s+at |node:internal|Unhandled 'error' event/;

let fake: FakeMixpanel;
let dir: string;
let env: Record<string, string>;
const fast = ['--rate', '20', '--poll-min-ms', '100', '--poll-max-ms', '400'];

beforeAll(async () => {
  fake = await startFakeMixpanel({
    oauthToken: SECRETS.oauth,
    projectToken: SECRETS.project,
    timings: { pendingMs: 300, stagingMs: 200, startedMs: 200 },
  });
  dir = await mkdtemp(join(tmpdir(), 'mpgdpr-term-'));
  env = {
    MIXPANEL_GDPR_OAUTH_TOKEN: SECRETS.oauth,
    MIXPANEL_PROJECT_TOKEN: SECRETS.project,
    MIXPANEL_GDPR_BASE_URL: fake.url,
    MIXPANEL_GDPR_LEDGER: join(dir, 'ledger.jsonl'),
  };
  await writeFile(join(dir, 'two.txt'), 'a-1\na-2\n');
});

afterAll(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
  expect(allOutput.join('\n')).not.toContain(SECRETS.oauth);
  expect(allOutput.join('\n')).not.toContain(SECRETS.project);
});

/** A server on loopback answering the GDPR endpoints with whatever `answer` says. */
async function startHostileServer(
  answer: (method: string, path: string) => { status: number; body: unknown },
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      const { status, body } = answer(req.method ?? '', new URL(req.url ?? '/', 'http://x').pathname);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

function expectInert(run: CliRun): void {
  expect(run.stdout, 'stdout').not.toMatch(ACTIVE);
  expect(run.stderr, 'stderr').not.toMatch(ACTIVE);
}

describe('text from a server or an ids file reaches the terminal escaped', () => {
  it('escapes an unknown task status and the watch deadline line', async () => {
    const hostile = await startHostileServer((method) =>
      method === 'POST'
        ? { status: 200, body: { status: 'ok', results: { task_id: 'task-1' } } }
        : { status: 200, body: { status: 'ok', results: { status: HOSTILE } } },
    );
    try {
      const e = {
        ...env,
        MIXPANEL_GDPR_BASE_URL: hostile.url,
        MIXPANEL_GDPR_LEDGER: join(dir, 'hostile-status.jsonl'),
      };
      const run = await runCli(
        [...fast, '--watch-deadline-ms', '800', 'delete', '--ids', join(dir, 'two.txt'), '--wait'],
        e,
      );
      expect(run.code, run.stderr).toBe(4);
      expect(run.stderr).toContain('reports an unknown status');
      expect(run.stderr).toContain('\\u202eevil');
      expectInert(run);
    } finally {
      await hostile.close();
    }
  });

  it("escapes Mixpanel's error text in a failed batch and in the summary", async () => {
    const hostile = await startHostileServer(() => ({ status: 400, body: { status: 'error', error: HOSTILE } }));
    try {
      const e = { ...env, MIXPANEL_GDPR_BASE_URL: hostile.url, MIXPANEL_GDPR_LEDGER: join(dir, 'hostile-400.jsonl') };
      const run = await runCli([...fast, 'delete', '--ids', join(dir, 'two.txt')], e);
      expect(run.code, run.stderr).toBe(1);
      expect(run.stderr).toMatch(
        /batch b000001 failed: .*\\x1b\]0;pwned\\x07\\x1b\[2J\\x0dOK\\x08\\x08\\x9b31m\\u202eevil\\u2028/,
      );
      expectInert(run);
    } finally {
      await hostile.close();
    }
  });

  it("escapes Mixpanel's error text in bin.ts's final error line", async () => {
    const hostile = await startHostileServer(() => ({ status: 401, body: { status: 'error', error: HOSTILE } }));
    try {
      const e = { ...env, MIXPANEL_GDPR_BASE_URL: hostile.url, MIXPANEL_GDPR_LEDGER: join(dir, 'hostile-401.jsonl') };
      const run = await runCli([...fast, 'delete', '--ids', join(dir, 'two.txt')], e);
      expect(run.code, run.stderr).toBe(3);
      expect(run.stderr).toMatch(/mixpanel-gdpr: error: Mixpanel answered 401 .*\\x1b\]0;pwned/);
      expectInert(run);
    } finally {
      await hostile.close();
    }
  });

  it('escapes ids in a dry run, human and --json, and the NDJSON still parses to the same ids', async () => {
    const ids = join(dir, 'hostile-ids.txt');
    await writeFile(ids, 'first\u202eevil\nred-\x1b[31m-id\nlast\u2066id\n');
    const human = await runCli(['--dry-run', 'delete', '--ids', ids], env);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain('(first\\u202eevil … last\\u2066id)');
    expect(human.stderr).toMatch(/input position 2: contains control characters \(red-\\u001b\[31m-id\)/);
    expectInert(human);
    const json = await runCli(['--json', '--dry-run', 'delete', '--ids', ids], env);
    expectInert(json);
    expect(ndjson(json.stdout)[0]).toMatchObject({ type: 'batch', first: 'first\u202eevil', last: 'last\u2066id' });
  });

  it('renders our own colours and escapes everything else (unit)', () => {
    const text = `${colors.red(`failed: ${HOSTILE}`)} ${colors.bold('job')}`;
    const colourful = toTerminalText(text, true);
    expect(colourful.startsWith('\x1b[31mfailed: \\x1b]0;pwned')).toBe(true);
    expect(colourful).toContain('\x1b[1mjob\x1b[22m');
    expect(colourful.replace(/\x1b\[\d+m/g, '')).not.toMatch(ACTIVE);
    expect(toTerminalText(text, false)).toBe(`failed: ${toTerminalText(HOSTILE, false)} job`);
    // Redaction sees the text between markers, never a marker: even a one-letter secret cannot break one.
    expect(toTerminalText(colors.bold('a secret o'), false, { redact: (t) => t.replaceAll('o', '[REDACTED]') })).toBe(
      'a secret [REDACTED]',
    );
    // A marker copied from another process (another nonce) is just text.
    expect(toTerminalText('\uE000deadbeefdeadbeefred\uE001x', true)).not.toContain('\x1b');
  });
});

describe('a closed stdout ends the run quietly with exit 0', () => {
  let jobId: string;
  beforeAll(async () => {
    await writeFile(join(dir, 'many.txt'), Array.from({ length: 3000 }, (_, i) => `m-${i}`).join('\n'));
    for (let i = 0; i < 3; i++) {
      const run = await runCli(
        [...fast, '--json', 'delete', '--ids', join(dir, i === 0 ? 'many.txt' : 'two.txt')],
        env,
      );
      expect(run.code, run.stderr).toBe(0);
      jobId ??= (ndjson(run.stdout).at(-1) as { jobId: string }).jobId;
    }
  });

  it('jobs --json with its reader gone: exit 0, no stack trace', async () => {
    const { child, done } = startCli(['--json', 'jobs'], env);
    child.stdout!.destroy();
    const run = await done;
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(STACK_TRACE);
  });

  it('report --format json closed after its first bytes: exit 0, no stack trace', async () => {
    const { child, done } = startCli(['report', jobId, '--format', 'json'], env);
    child.stdout!.once('data', () => child.stdout!.destroy());
    const run = await done;
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(STACK_TRACE);
  });

  it('delete --json closed after its first line stops promptly, saved: resume submits every id exactly once', async () => {
    const e = { ...env, MIXPANEL_GDPR_LEDGER: join(dir, 'epipe.jsonl') };
    const before = fake.requests.length;
    const { child, done } = startCli(
      ['--rate', '4', '--json', 'delete', '--batch-size', '100', '--ids', join(dir, 'many.txt'), '--wait'],
      e,
    );
    let lines = '';
    child.stdout!.on('data', (d) => {
      lines += d;
      if (lines.includes('\n')) child.stdout!.destroy();
    });
    const startedAt = Date.now();
    const run = await done;
    expect(run.code, run.stderr).toBe(0);
    // It stopped mid-job, at the next write: not after its 30 batches (7.5 s at 4 per second).
    const createdBeforeStop = fake.requests.slice(before).filter((r) => r.operation === 'createDeletion').length;
    expect(createdBeforeStop).toBeLessThan(30);
    expect(Date.now() - startedAt).toBeLessThan(5_000);
    expect(run.stderr).not.toMatch(STACK_TRACE);
    const stopped = /stdout closed: stopped; resume with `mixpanel-gdpr resume (job-\S+)`/.exec(run.stderr);
    expect(stopped, run.stderr).not.toBeNull();
    await expect(stat(join(dir, 'epipe.jsonl.lock'))).rejects.toThrow();
    const resumed = await runCli([...fast, '--json', 'resume', stopped![1]!], e);
    expect(resumed.code, resumed.stderr).toBe(0);
    const report = JSON.parse((await runCli(['report', stopped![1]!, '--format', 'json'], e)).stdout) as {
      ids: Array<{ distinctId: string; outcome: string; taskIds: string[] }>;
    };
    expect(report.ids).toHaveLength(3000);
    expect(report.ids.every((r) => r.outcome === 'SUCCESS' && r.taskIds.length === 1)).toBe(true);
    const sent = fake.requests
      .slice(before)
      .filter((r) => r.operation === 'createDeletion' && r.status < 300)
      .flatMap((r) => r.ids ?? []);
    expect(sent.length).toBe(3000);
    expect(new Set(sent).size).toBe(3000);
  });
});

describe('SIGTERM', () => {
  it('stops like Ctrl-C: exit 130, resume hint, lock released, and resume finishes the job', async () => {
    await writeFile(join(dir, 'term.txt'), Array.from({ length: 3000 }, (_, i) => `t-${i}`).join('\n'));
    const ledger = join(dir, 'sigterm.jsonl');
    const e = { ...env, MIXPANEL_GDPR_LEDGER: ledger };
    const { child, done } = startCli(
      [
        '--rate',
        '4',
        '--poll-min-ms',
        '100',
        '--json',
        'delete',
        '--batch-size',
        '100',
        '--ids',
        join(dir, 'term.txt'),
        '--wait',
      ],
      e,
    );
    // Once a batch is submitted (an event on stdout), not after a guessed delay.
    child.stdout!.once('data', () => child.kill('SIGTERM'));
    const stopped = await done;
    expect(stopped.code, stopped.stderr).toBe(130);
    const jobId = /resume (job-\S+)`/.exec(stopped.stderr)?.[1];
    expect(jobId, stopped.stderr).toBeDefined();
    // Piped: no blank line before the message; the end is an error like any other, in JSON too.
    expect(stopped.stderr).toMatch(/^stopping: settling the request in flight/m);
    expect(stopped.stderr).toMatch(/^mixpanel-gdpr: error: interrupted\. Nothing is lost/m);
    expect(ndjson(stopped.stdout).at(-1)).toMatchObject({ type: 'error', code: 'interrupted', exitCode: 130 });
    await expect(stat(`${ledger}.lock`)).rejects.toThrow();
    const resumed = await runCli([...fast, '--json', 'resume', jobId!], e);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(ndjson(resumed.stdout).at(-1)).toMatchObject({
      complete: true,
      ids: { valid: 3000, byOutcome: { SUCCESS: 3000 } },
    });
  });
});

describe('tokens from files', () => {
  const noTokens = () => ({ ...env, MIXPANEL_GDPR_OAUTH_TOKEN: undefined, MIXPANEL_PROJECT_TOKEN: undefined });

  it('reads --oauth-token-file and MIXPANEL_PROJECT_TOKEN_FILE (one trailing newline), and never prints them', async () => {
    await writeFile(join(dir, 'oauth.token'), `${SECRETS.oauth}\n`, { mode: 0o600 });
    await writeFile(join(dir, 'project.token'), SECRETS.project, { mode: 0o600 });
    const run = await runCli(
      [...fast, '--oauth-token-file', join(dir, 'oauth.token'), 'delete', '--ids', join(dir, 'two.txt'), '--wait'],
      { ...noTokens(), MIXPANEL_PROJECT_TOKEN_FILE: join(dir, 'project.token') },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toContain('warning');
  });

  it('reads a token from stdin with --oauth-token-file -', async () => {
    const run = await runCli(
      [...fast, '--oauth-token-file', '-', 'delete', '--ids', join(dir, 'two.txt')],
      { ...noTokens(), MIXPANEL_PROJECT_TOKEN: SECRETS.project },
      `${SECRETS.oauth}\n`,
    );
    expect(run.code, run.stderr).toBe(0);
  });

  it('follows flag > file flag > environment > environment file', async () => {
    await writeFile(join(dir, 'wrong.token'), 'wrong-token', { mode: 0o600 });
    // The file flag beats the variable; the variable beats the _FILE variable, which is then not even read.
    const run = await runCli(
      [...fast, '--oauth-token-file', join(dir, 'oauth.token'), 'delete', '--ids', join(dir, 'two.txt')],
      {
        ...env,
        MIXPANEL_GDPR_OAUTH_TOKEN: 'wrong-token',
        MIXPANEL_PROJECT_TOKEN_FILE: join(dir, 'missing.token'),
      },
    );
    expect(run.code, run.stderr).toBe(0);
    const flagWins = await runCli(
      [
        ...fast,
        '--oauth-token',
        SECRETS.oauth,
        '--oauth-token-file',
        join(dir, 'wrong.token'),
        'delete',
        '--ids',
        join(dir, 'two.txt'),
      ],
      env,
    );
    expect(flagWins.code, flagWins.stderr).toBe(0);
  });

  it('warns once, without the value, when a token is given as a flag', async () => {
    const run = await runCli(['--oauth-token', SECRETS.oauth, '--project-token', SECRETS.project, 'jobs'], env);
    expect(run.code, run.stderr).toBe(0);
    expect(
      run.stderr.match(
        /warning: --oauth-token, --project-token can be read by every user of this machine \(in `ps`\): use MIXPANEL_GDPR_OAUTH_TOKEN, MIXPANEL_PROJECT_TOKEN or --oauth-token-file, --project-token-file instead/g,
      ),
    ).toHaveLength(1);
  });

  it('warns when the token file can be read by others', async () => {
    await writeFile(join(dir, 'open.token'), SECRETS.oauth);
    await chmod(join(dir, 'open.token'), 0o644);
    const run = await runCli(
      [...fast, '--oauth-token-file', join(dir, 'open.token'), 'delete', '--ids', join(dir, 'two.txt')],
      noTokens(),
    );
    expect(run.stderr).toContain(
      `warning: --oauth-token-file: "${join(dir, 'open.token')}" can be read by group or others (mode 0644): chmod 600 it`,
    );
  });

  const refusals: Array<[string, string[], Record<string, string | undefined>, string | undefined, RegExp]> = [
    [
      '--ids - with --oauth-token-file -',
      ['--oauth-token-file', '-', 'delete', '--ids', '-'],
      {},
      'x\n',
      /--ids - and --oauth-token-file - cannot all read stdin/,
    ],
    [
      '--ids - with MIXPANEL_PROJECT_TOKEN_FILE=-',
      ['delete', '--ids', '-'],
      { MIXPANEL_PROJECT_TOKEN: undefined, MIXPANEL_PROJECT_TOKEN_FILE: '-' },
      'x\n',
      /--ids - and MIXPANEL_PROJECT_TOKEN_FILE=- cannot all read stdin/,
    ],
    [
      'both tokens from stdin',
      ['--oauth-token-file', '-', '--project-token-file', '-', 'delete', '--ids', 'TWO'],
      {},
      'x\n',
      /--oauth-token-file - and --project-token-file - cannot both read stdin/,
    ],
    [
      'an unreadable file',
      ['--oauth-token-file', 'MISSING', 'delete', '--ids', 'TWO'],
      {},
      undefined,
      /--oauth-token-file: ".*missing\.token" cannot be read \(ENOENT\)/,
    ],
    [
      'an empty file',
      ['delete', '--ids', 'TWO'],
      { MIXPANEL_GDPR_OAUTH_TOKEN: undefined, MIXPANEL_GDPR_OAUTH_TOKEN_FILE: 'EMPTY' },
      undefined,
      /MIXPANEL_GDPR_OAUTH_TOKEN_FILE: ".*empty\.token" is empty/,
    ],
    [
      'a file of two lines',
      ['--project-token-file', 'TWOLINES', 'delete', '--ids', 'TWO'],
      {},
      undefined,
      /--project-token-file: ".*lines\.token" holds more than a token/,
    ],
  ];
  it.each(refusals)('refuses %s with exit 2 before any request', async (_, args, extra, input, message) => {
    await writeFile(join(dir, 'empty.token'), '\n', { mode: 0o600 });
    await writeFile(join(dir, 'lines.token'), `${SECRETS.project}\nsecond-line-secret\n`, { mode: 0o600 });
    const paths: Record<string, string> = {
      TWO: join(dir, 'two.txt'),
      MISSING: join(dir, 'missing.token'),
      EMPTY: join(dir, 'empty.token'),
      TWOLINES: join(dir, 'lines.token'),
    };
    const before = fake.requests.length;
    const resolved = (v: string | undefined) => (v !== undefined && v in paths ? paths[v] : v);
    const run = await runCli(
      args.map((a) => resolved(a)!),
      { ...env, ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, resolved(v)])) },
      input,
    );
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toContain('second-line-secret');
    expect(fake.requests.length).toBe(before);
  });
});

describe('help says what commands do', () => {
  it('watch --help says it also sends the batches not yet sent', async () => {
    const { stdout } = await runCli(['watch', '--help']);
    expect(stdout.replace(/\s+/g, ' ')).toContain(
      'Send any batches JOB (default: every unfinished job) has not sent yet, then poll until every task has ended',
    );
  });

  it('--help documents the token files, and SIGTERM under exit code 130', async () => {
    const { stdout } = await runCli(['--help']);
    for (const text of [
      '--oauth-token-file <path>',
      '--project-token-file <path>',
      'MIXPANEL_GDPR_OAUTH_TOKEN_FILE',
      'MIXPANEL_PROJECT_TOKEN_FILE',
      '130  interrupted (Ctrl-C or SIGTERM',
    ])
      expect(stdout).toContain(text);
  });
});
