import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeMixpanel, startFakeMixpanel } from '@mixpanel-gdpr/testing';
import { createRequestDesk, evidencePack, FileLedger } from '@mixpanel-gdpr/workflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ndjson, runCli } from './helpers.js';

const DAY = 86_400_000;
const SEED = Number(process.env.REQUESTS_SEED ?? Date.now() % 1_000_000);
console.log(`requests e2e seed: ${SEED} (rerun with REQUESTS_SEED=${SEED})`);

/** A small deterministic generator: the same seed gives the same file. */
function seeded(seed: number) {
  let s = seed >>> 0 || 1;
  return () => (s = (Math.imul(s, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32;
}

const TOKENS = {
  WEB_OAUTH: 'web-OAUTH-secret-1',
  WEB_PROJECT: 'web-PROJECT-secret-2',
  APP_OAUTH: 'app-OAUTH-secret-3',
  APP_PROJECT: 'app-PROJECT-secret-4',
};

let dir: string;
let ledger: string;
let web: FakeMixpanel;
let app: FakeMixpanel;
const expected = new Map<string, string[]>();

beforeAll(async () => {
  web = await startFakeMixpanel({
    oauthToken: TOKENS.WEB_OAUTH,
    projectToken: TOKENS.WEB_PROJECT,
    timings: { pendingMs: 50, stagingMs: 50, startedMs: 50 },
  });
  // The slow project: its tasks take ten times longer.
  app = await startFakeMixpanel({
    oauthToken: TOKENS.APP_OAUTH,
    projectToken: TOKENS.APP_PROJECT,
    timings: { pendingMs: 500, stagingMs: 500, startedMs: 500 },
  });
  dir = await mkdtemp(join(tmpdir(), 'mpgdpr-requests-'));
  ledger = join(dir, 'state', 'ledger.jsonl');
  await writeFile(
    join(dir, 'mixpanel-gdpr.config.yaml'),
    [
      'timeZone: UTC',
      'projects:',
      `  - { name: web, region: us, baseUrl: "${web.url}", ratePerSecond: 50, oauthToken: { env: WEB_OAUTH }, projectToken: { env: WEB_PROJECT } }`,
      `  - { name: app, region: eu, baseUrl: "${app.url}", ratePerSecond: 50, oauthToken: { env: APP_OAUTH }, projectToken: { env: APP_PROJECT } }`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  const random = seeded(SEED);
  const rows = ['ticket,distinct_id,received'];
  const today = Date.now();
  for (let i = 1; i <= 300; i++) {
    const ticket = `ZD-${String(i).padStart(4, '0')}`;
    const received = new Date(today - Math.floor(random() * 20) * DAY).toISOString().slice(0, 10);
    const ids = Array.from({ length: 1 + Math.floor(random() * 3) }, (_, k) => `${ticket.toLowerCase()}-id${k}`);
    expected.set(ticket, ids);
    // Rows of one ticket are not together: a real export is sorted by anything but ticket.
    for (const id of ids) rows.splice(1 + Math.floor(random() * rows.length), 0, `${ticket},${id},${received}`);
  }
  await writeFile(join(dir, 'erasures.csv'), `${rows.join('\n')}\n`);
  const access = ['ticket,distinct_id,received'];
  for (let i = 1; i <= 5; i++)
    for (let k = 0; k <= i % 2; k++)
      access.push(`DSAR-${i},subject-${i}-${k},${new Date(today).toISOString().slice(0, 10)}`);
  await writeFile(join(dir, 'access.csv'), `${access.join('\n')}\n`);
  await writeFile(join(dir, 'old.txt'), 'old-subject\n');
  await writeFile(join(dir, 'purge.key'), 'k'.repeat(40), { mode: 0o600 });
});

afterAll(async () => {
  await web?.close();
  await app?.close();
  await rm(dir, { recursive: true, force: true });
});

/** The flags of a file of requests: ids in distinct_id, one request per ticket, received dates. */
const fromFile = (name: string) => [
  '--ids',
  join(dir, name),
  '--column',
  'distinct_id',
  '--request-column',
  'ticket',
  '--received-column',
  'received',
];
const env = () => ({ ...TOKENS, MIXPANEL_GDPR_CONFIG: join(dir, 'mixpanel-gdpr.config.yaml') });
const cli = (args: string[]) =>
  runCli(['--ledger', ledger, '--poll-min-ms', '50', '--poll-max-ms', '300', ...args], env());

describe('requests from one CSV across two projects', () => {
  it('runs 300 erasure requests to the end, each with evidence of exactly its ids and tasks', async () => {
    const run = await cli(['--json', 'delete', ...fromFile('erasures.csv'), '--wait']);
    expect(run.stderr).not.toMatch(/error/);
    expect(run.code).toBe(0);
    const summaries = ndjson(run.stdout).filter((e) => e.type === 'summary');
    expect(summaries).toHaveLength(2);
    for (const s of summaries) expect(s.state).toBe('complete');

    const file = await FileLedger.open(ledger, { readOnly: true });
    try {
      const desk = createRequestDesk({ ledger: file });
      expect(desk.list({ kind: 'erasure' })).toHaveLength(300);
      for (const [ticket, ids] of expected) {
        const view = desk.view(desk.find(ticket));
        expect(view.progress.stage, ticket).toBe('done');
        const pack = await evidencePack(file, view, { name: 't', version: '0' }, Date.now());
        expect([...pack.request.ids].sort(), ticket).toEqual([...ids].sort());
        expect(pack.projects.map((p) => p.name)).toEqual(['web', 'app']);
        for (const project of pack.projects) {
          const fake = project.name === 'web' ? web : app;
          // Exactly its ids, in tasks that really hold them at that project.
          expect(project.tasks.flatMap((t) => t.ids).sort(), ticket).toEqual([...ids].sort());
          for (const task of project.tasks)
            expect(fake.tasks.get(task.taskId)?.ids).toEqual(expect.arrayContaining(task.ids));
        }
      }
    } finally {
      await file.close();
    }
    // Full batches: 300 requests of 1-3 ids fit in one deletion per project.
    expect([...web.tasks.values()].filter((t) => t.kind === 'deletion')).toHaveLength(1);

    // Jobs and reports name their requests and due dates; the CSV report gives each id its ticket.
    const listed = ndjson((await cli(['--json', 'jobs'])).stdout).filter((e) => e.type === 'job');
    expect(listed).toHaveLength(2);
    for (const job of listed) {
      const requests = job.requests as Array<{ ticket: string; dueDate: string }>;
      expect(requests.map((r) => r.ticket).sort()).toEqual([...expected.keys()].sort());
      expect(requests.every((r) => /^\d{4}-\d{2}-\d{2}$/.test(r.dueDate))).toBe(true);
    }
    const csv = (await cli(['report', listed[0]!.jobId as string, '--format', 'csv'])).stdout.trim().split('\n');
    expect(csv[0]).toBe('distinctId,tickets,outcome,taskIds,batchId,submittedAt,statusAt,note');
    for (const [ticket, ids] of [...expected].slice(0, 20))
      for (const id of ids) expect(csv.find((line) => line.startsWith(`${id},`))).toContain(`,${ticket},SUCCESS,`);
    expect((await cli(['report', listed[0]!.jobId as string, '--format', 'md'])).stdout).toMatch(
      /- Requests: ZD-\d{4} \(due \d{4}-\d{2}-\d{2}\)/,
    );

    const evidence = await cli(['--json', 'evidence', 'ZD-0007', '--out', join(dir, 'evidence')]);
    expect(evidence.code).toBe(0);
    const written = ndjson(evidence.stdout).find((e) => e.type === 'evidence')!;
    const pack = JSON.parse(await readFile(written.json as string, 'utf8'));
    expect([...pack.request.ids].sort()).toEqual([...expected.get('ZD-0007')!].sort());
    expect(pack.request.source.sha256).toMatch(/^[0-9a-f]{64}$/);
    // The pack names the chain's head when it was made: verify can show nothing behind it changed since.
    expect(pack.ledgerHead).toMatch(/^[0-9a-f]{64}$/);
    expect((await cli(['verify', '--head', pack.ledgerHead])).code).toBe(0);
    expect((await cli(['verify', '--head', 'ab'.repeat(32)])).code).toBe(1);
    expect(await readFile(written.markdown as string, 'utf8')).toContain(written.sha256 as string);
  });

  it('gives each access subject an export of their own in each project', async () => {
    const run = await cli(['retrieve', ...fromFile('access.csv'), '--out', join(dir, 'exports'), '--wait']);
    expect(run.code, run.stderr).toBe(0);
    for (const fake of [web, app]) {
      const retrievals = [...fake.tasks.values()].filter((t) => t.kind === 'retrieval');
      expect(retrievals.map((t) => t.ids[0]!.split('-')[1]).sort()).toEqual(['1', '2', '3', '4', '5']);
      for (const t of retrievals) expect(new Set(t.ids.map((id) => id.split('-')[1])).size).toBe(1);
    }
    const folders = await readdir(join(dir, 'exports'));
    expect(folders).toHaveLength(5);
    for (const folder of folders) expect((await readdir(join(dir, 'exports', folder))).sort()).toEqual(['app', 'web']);
  });

  it('flags a request received 40 days ago that is not done', async () => {
    const received = new Date(Date.now() - 40 * DAY).toISOString().slice(0, 10);
    const sent = await cli([
      'delete',
      '--ids',
      join(dir, 'old.txt'),
      '--ticket',
      'OLD-1',
      '--received',
      received,
      '--projects',
      'app',
    ]);
    expect(sent.code, sent.stderr).toBe(0);
    const check = await cli(['--json', 'requests', '--check']);
    expect(check.code).toBe(1);
    const flagged = ndjson(check.stdout).filter((e) => e.type === 'request');
    expect(flagged.map((e) => [e.ticket, e.overdue])).toEqual([['OLD-1', true]]);
    const watched = await cli(['watch']);
    expect(watched.code, watched.stderr).toBe(0);
    expect((await cli(['requests', '--check'])).code).toBe(0);
  });

  it('keeps a hash chain that a one-byte edit breaks', async () => {
    expect((await cli(['verify'])).code).toBe(0);
    const original = await readFile(ledger);
    const at = original.indexOf('zd-0150-id0');
    const edited = Buffer.from(original);
    edited[at] = 'Z'.charCodeAt(0);
    await writeFile(ledger, edited);
    const broken = await cli(['--json', 'verify']);
    expect(broken.code).toBe(1);
    const line = original.subarray(0, at).toString().split('\n').length;
    expect(ndjson(broken.stdout)[0]).toMatchObject({ ok: false, line: line + 1 });
    await writeFile(ledger, original);
    expect((await cli(['verify'])).code).toBe(0);
  });

  it('purges every distinct id, and still answers lookups with the key', async () => {
    const purged = await cli(['purge', '--key-file', join(dir, 'purge.key'), '--retention-days', '0']);
    expect(purged.code, purged.stderr).toBe(0);
    const text = await readFile(ledger, 'utf8');
    for (const ids of expected.values()) for (const id of ids) expect(text).not.toContain(id);
    for (const id of ['subject-1-0', 'old-subject']) expect(text).not.toContain(id);
    expect((await cli(['verify'])).code).toBe(0);
    const found = await cli(['--json', 'evidence', '--lookup', 'zd-0042-id0', '--key-file', join(dir, 'purge.key')]);
    expect(found.code, found.stderr).toBe(0);
    const answers = ndjson(found.stdout);
    expect(answers.map((a) => [a.ticket, a.project, a.status, a.purged])).toEqual([
      ['ZD-0042', 'web', 'SUCCESS', true],
      ['ZD-0042', 'app', 'SUCCESS', true],
    ]);
    expect((await cli(['evidence', '--lookup', 'zd-0042-id0'])).code).toBe(1);
  });

  it('refuses impossible received times instead of rolling them over', async () => {
    for (const received of ['2026-02-30T10:00:00Z', '2026-04-30T24:00:00Z', '2026-04-30T10:00:00', '30/04/2026']) {
      const run = await cli([
        'delete',
        '--ids',
        join(dir, 'old.txt'),
        '--ticket',
        `BAD-${received}`,
        '--received',
        received,
      ]);
      expect(run.code, received).toBe(2);
      expect(run.stderr).toContain(`--received: ${JSON.stringify(received)} is not a date`);
    }
  });
});
