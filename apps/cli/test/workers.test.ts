import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresLedger } from '@mixpanel-gdpr/store-postgres';
import { type FakeMixpanel, startFakeMixpanel } from '@mixpanel-gdpr/testing';
import type { LedgerRecord } from '@mixpanel-gdpr/workflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FreshDatabase, freshDatabase } from '../../../packages/store-postgres/test/helpers/freshDatabase.js';
import { startThrowawayPostgres } from '../../../packages/store-postgres/test/helpers/startThrowawayPostgres.js';
import { type CliRun, ndjson, runCli, startCli } from './helpers.js';

const SEED = Number(process.env.CHAOS_SEED ?? Date.now() % 1_000_000);
console.log(`workers chaos seed: ${SEED} (rerun with CHAOS_SEED=${SEED})`);

function seeded(seed: number) {
  let s = seed >>> 0 || 1;
  return () => (s = (Math.imul(s, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32;
}

const RATE = 5;
const LEASE_MS = 2_000;
const REQUESTS = 200;
const IDS_PER_REQUEST = 250;
const FILES = 10;

let db: FreshDatabase;
let fake: FakeMixpanel;
let dir: string;

beforeAll(async () => {
  db = await freshDatabase();
  // Mixpanel's limit, enforced at 1.1 times the configured rate: any 429 is the pace's fault. Tasks take
  // longer than a lease, so a batch resent after a worker was killed meets its first task running (a 409).
  fake = await startFakeMixpanel({
    ratePerSecond: RATE * 1.1,
    timings: { pendingMs: 2_500, stagingMs: 2_500, startedMs: 2_500 },
  });
  dir = await mkdtemp(join(tmpdir(), 'mpgdpr-workers-'));
});

afterAll(async () => {
  await fake?.close();
  await db?.drop();
  await rm(dir, { recursive: true, force: true });
});

const env = () => ({
  MIXPANEL_GDPR_OAUTH_TOKEN: 'fake-oauth-token',
  MIXPANEL_PROJECT_TOKEN: 'fake-project-token',
  MIXPANEL_GDPR_BASE_URL: fake.url,
  DATABASE_URL: db.url,
});
const pace = ['--rate', String(RATE), '--poll-min-ms', '500', '--poll-max-ms', '2000'];

describe('several workers on one PostgreSQL', () => {
  it('survive ten SIGKILLs: every id deleted, twice only after a recorded unknown outcome, no 429', async () => {
    const random = seeded(SEED);
    // 200 requests of 250 ids in 10 files: 10 jobs of 3 batches, queued for the workers.
    for (let f = 0; f < FILES; f++) {
      const rows = ['ticket,distinct_id'];
      for (let r = 0; r < REQUESTS / FILES; r++) {
        const ticket = `T-${f}-${r}`;
        for (let i = 0; i < IDS_PER_REQUEST; i++) rows.push(`${ticket},${ticket}-u${i}`);
      }
      const file = join(dir, `requests-${f}.csv`);
      await writeFile(file, `${rows.join('\n')}\n`);
      const queued = await runCli(
        ['delete', '--ids', file, '--column', 'distinct_id', '--request-column', 'ticket', '--enqueue'],
        env(),
      );
      expect(queued.code, queued.stderr).toBe(0);
    }
    expect(fake.requests).toHaveLength(0);

    const start = () => startCli([...pace, 'worker', '--lease-ms', String(LEASE_MS), '--idle-ms', '300'], env());
    const workers = [start(), start(), start()];
    const killed: Array<Promise<CliRun>> = [];
    for (let k = 0; k < 10; k++) {
      await new Promise((r) => setTimeout(r, 500 + random() * 2_000));
      const victim = Math.floor(random() * workers.length);
      workers[victim]!.child.kill('SIGKILL');
      killed.push(workers[victim]!.done);
      workers[victim] = start();
    }
    // Until every request is done (the workers poll on). Bounded by progress, not by the clock: on a loaded
    // machine the workers are slow, not stuck. Stuck is a minute without a new task or a request closing.
    let stalledSince = Date.now();
    let lastProgress = '';
    for (;;) {
      const listed = await runCli(['--json', 'requests', '--open'], env());
      const open = ndjson(listed.stdout).filter((e) => e.type === 'request').length;
      if (listed.code === 0 && open === 0) break;
      const progress = `${fake.tasks.size}/${listed.code}:${open}`;
      if (progress !== lastProgress) [lastProgress, stalledSince] = [progress, Date.now()];
      if (Date.now() > stalledSince + 60_000) {
        for (const w of workers) w.child.kill('SIGTERM');
        for (const run of await Promise.all(workers.map((w) => w.done)))
          console.log(`chaos test: a worker exited ${run.code}; the end of its stderr:\n${run.stderr.slice(-3000)}`);
        console.log(`chaos test: ${open} requests still open; at the fake: ${fake.tasks.size} tasks`);
      }
      expect(Date.now(), `no progress for a minute (${progress})`).toBeLessThan(stalledSince + 60_000);
      await new Promise((r) => setTimeout(r, 1_000));
    }
    for (const w of workers) w.child.kill('SIGTERM');
    const ended = await Promise.all(workers.map((w) => w.done));
    for (const run of ended) expect(run.code, run.stderr).toBe(130);
    for (const run of await Promise.all(killed)) expect(run.code).toBeNull();

    const audit = await auditDeletions(db.url, fake, REQUESTS * IDS_PER_REQUEST);
    // The pace held across workers, restarts included.
    expect(fake.requests.filter((r) => r.status === 429 || r.fault === 'rate-limit')).toEqual([]);
    console.log(
      `chaos: 10 kills, ${audit.batches} batches, ${audit.unknowns} unknown outcomes, ${audit.resent} resent, ${audit.twice} ids deleted twice (each after a recorded unknown), ${fake.requests.length} requests at the fake, 0 × 429`,
    );
    // No lease outlives its timeout: workers released theirs, a killed one's expire.
    const pool = db.pool();
    const { rows } = await pool.query<{ stuck: number }>(
      'select count(*)::int as stuck from mgdpr_leases where expires_at > clock_timestamp() + make_interval(secs => $1)',
      [LEASE_MS / 1000],
    );
    expect(rows[0]!.stuck).toBe(0);
  }, 600_000); // bounded by progress above
});

describe('a PostgreSQL restart', () => {
  it('is ridden out: workers reconnect and finish, nothing lost, nothing sent twice unrecorded', async () => {
    const server = await startThrowawayPostgres(await mkdtemp(join(tmpdir(), 'mgdpr-restart-pg-')));
    const restartFake = await startFakeMixpanel({
      ratePerSecond: RATE * 1.1,
      timings: { pendingMs: 1_500, stagingMs: 1_500, startedMs: 1_500 },
    });
    const restartEnv = { ...env(), MIXPANEL_GDPR_BASE_URL: restartFake.url, DATABASE_URL: server.url };
    try {
      for (let f = 0; f < 4; f++) {
        const rows = ['ticket,distinct_id'];
        for (let i = 0; i < 2_500; i++) rows.push(`R-${f}-${i % 50},r${f}-u${i}`);
        const file = join(dir, `restart-${f}.csv`);
        await writeFile(file, `${rows.join('\n')}\n`);
        const queued = await runCli(
          ['delete', '--ids', file, '--column', 'distinct_id', '--request-column', 'ticket', '--enqueue'],
          restartEnv,
        );
        expect(queued.code, queued.stderr).toBe(0);
      }
      const workers = [0, 1].map(() =>
        startCli([...pace, 'worker', '--lease-ms', String(LEASE_MS), '--idle-ms', '300'], restartEnv),
      );
      // Restart once the work is under way: tasks exist at the fake.
      while (restartFake.tasks.size < 2) await new Promise((r) => setTimeout(r, 100));
      await server.restart();
      // Bounded by progress, not by the clock: on a loaded machine the workers are slow, not stuck. The test fails
      // when neither the tasks at the fake nor the open requests have moved for a minute.
      let stalledSince = Date.now();
      let lastProgress = '';
      for (;;) {
        const listed = await runCli(['--json', 'requests', '--open'], restartEnv);
        const open = ndjson(listed.stdout).filter((e) => e.type === 'request').length;
        if (listed.code === 0 && open === 0) break;
        const progress = `${restartFake.tasks.size}/${listed.code}:${open}`;
        if (progress !== lastProgress) [lastProgress, stalledSince] = [progress, Date.now()];
        const deadline = stalledSince + 60_000;
        if (Date.now() > deadline) {
          for (const w of workers) w.child.kill('SIGTERM');
          for (const run of await Promise.all(workers.map((w) => w.done)))
            console.log(
              `restart test: a worker exited ${run.code}; the end of its stderr:\n${run.stderr.slice(-3000)}`,
            );
          console.log(
            `restart test: requests still open (exit ${listed.code}):\n${listed.stdout.slice(0, 1500)}${listed.stderr}`,
          );
        }
        expect(Date.now(), 'no progress for a minute after the restart').toBeLessThan(deadline);
        await new Promise((r) => setTimeout(r, 1_000));
      }
      for (const w of workers) w.child.kill('SIGTERM');
      for (const run of await Promise.all(workers.map((w) => w.done))) expect(run.code, run.stderr).toBe(130);
      await auditDeletions(server.url, restartFake, 10_000);
    } finally {
      await restartFake.close();
      await server.stop();
    }
  }, 600_000); // bounded by progress above
});

describe('migrate and store copy', () => {
  it('migrates an empty database, and copies a file ledger with its history into it', async () => {
    const target = await freshDatabase();
    try {
      const migrated = await runCli(['--json', 'migrate'], { DATABASE_URL: target.url });
      expect(migrated.code, migrated.stderr).toBe(0);
      expect(ndjson(migrated.stdout)[0]).toMatchObject({ type: 'migrate', version: 4, known: 4 });
      // A file ledger made by a real run against the fake.
      const ledger = join(dir, 'copy', 'ledger.jsonl');
      const ids = join(dir, 'copy-ids.txt');
      await writeFile(ids, 'c1\nc2\nc3\n');
      const run = await runCli(['--ledger', ledger, ...pace, 'delete', '--ids', ids, '--ticket', 'C-1', '--wait'], {
        ...env(),
        DATABASE_URL: undefined,
      });
      expect(run.code, run.stderr).toBe(0);
      const copied = await runCli(['--json', 'store', 'copy', '--from', ledger, '--to', target.url], {});
      expect(copied.code, copied.stderr).toBe(0);
      expect(ndjson(copied.stdout)[0]).toMatchObject({ type: 'store-copy', jobs: 1, requests: 1 });
      // The database now answers what the file did; the URL's password never shows.
      const listed = await runCli(['--json', 'requests'], { DATABASE_URL: target.url });
      expect(ndjson(listed.stdout).find((e) => e.type === 'request')).toMatchObject({ ticket: 'C-1', state: 'done' });
      const password = new URL(target.url).password;
      if (password)
        for (const out of [migrated, copied, listed]) expect(out.stdout + out.stderr).not.toContain(password);
      // A second copy into a store that holds a history is refused, naming why.
      const again = await runCli(['store', 'copy', '--from', ledger, '--to', target.url], {});
      expect(again.code).toBe(2);
    } finally {
      await target.drop();
    }
  });
});

/**
 * What the fake deleted against what the store recorded: every id deleted; no batch sent more often than once
 * plus its recorded unknown outcomes; an id deleted twice only when a batch holding it was resent after an
 * unknown outcome, too late to meet its first task running (on a loaded machine, or after a kill or a database
 * restart, a resend can come after the first task ended: deleting twice is harmless, sending unrecorded is not).
 */
async function auditDeletions(url: string, at: FakeMixpanel, ids: number) {
  const sends = new Map<string, number>();
  const unknowns = new Map<string, number>();
  /** The batches holding each id, as planned. */
  const batchesOf = new Map<string, string[]>();
  const ledger = await PostgresLedger.open(url);
  try {
    for await (const r of ledger.history() as AsyncIterable<LedgerRecord>) {
      const key = 'batchId' in r ? `${r.jobId}/${r.batchId}` : '';
      if (r.type === 'batch.sending') sends.set(key, (sends.get(key) ?? 0) + 1);
      if (r.type === 'batch.unknown') unknowns.set(key, (unknowns.get(key) ?? 0) + 1);
      if (r.type === 'batch.planned') for (const id of r.ids) batchesOf.set(id, [...(batchesOf.get(id) ?? []), key]);
    }
  } finally {
    await ledger.close();
  }
  for (const [batch, n] of sends) expect(n, batch).toBeLessThanOrEqual(1 + (unknowns.get(batch) ?? 0));
  const seen = new Map<string, number>();
  for (const task of at.tasks.values()) {
    if (task.kind !== 'deletion') continue;
    for (const id of task.ids) seen.set(id, (seen.get(id) ?? 0) + 1);
  }
  expect(seen.size).toBe(ids);
  const twice = [...seen].filter(([, n]) => n > 1);
  for (const [id, n] of twice) {
    const resends = (batchesOf.get(id) ?? []).reduce((sum, b) => sum + (unknowns.get(b) ?? 0), 0);
    expect(n - 1, `id ${id} deleted ${n} times`).toBeLessThanOrEqual(resends);
  }
  return {
    batches: sends.size,
    unknowns: [...unknowns.values()].reduce((a, b) => a + b, 0),
    resent: [...sends.values()].filter((n) => n > 1).length,
    twice: twice.length,
  };
}
