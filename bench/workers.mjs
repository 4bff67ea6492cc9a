// 9. Several workers keep one pace: 3 `mixpanel-gdpr worker` processes on one PostgreSQL, against the fake
// enforcing 1.1 × their rate (5 requests/s). Jobs are queued first (`delete --enqueue`), more batches than
// the run sends in its busy window; tasks take a few seconds, so polls share the pace with submissions.
//
// - utilisation: requests accepted by the fake per second, from the first request to the last batch's
//   submission (while there is always a batch waiting to be sent), ÷ the rate; the ideal is 1.
// - 429s at the fake: any is the shared pace's fault.
// - takeover: a worker holding jobs is SIGKILLed (and started again, as a supervisor would); measured from
//   the kill to the moment each of its jobs' leases is claimed by another worker (the lease row's
//   acquired_at), both on the database's clock. The baseline is the lease timeout.
//
// Each worker runs at most `concurrency` jobs and there are twice that many: two workers hold them all and
// the third (then the restarted one) is a spare with room to take over every job of a killed worker.

import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startFakeMixpanel } from '../packages/testing/dist/index.js';
import { freshDatabase, runCli, sleep, startCli, stopAll, tempDir, withPostgres } from './postgresBench.mjs';
import { summarize } from './stats.mjs';

const RATE = 5;
const LEASE_MS = 2_000;
const WORKERS = 3;

export async function workers({ quick }) {
  const shape = quick
    ? { concurrency: 2, batchesPerJob: 10, kills: 1, taskMs: 1_000 }
    : { concurrency: 4, batchesPerJob: 40, kills: 5, taskMs: 1_500 };
  return withPostgres((serverUrl) => measure(serverUrl, shape));
}

async function measure(serverUrl, { concurrency, batchesPerJob, kills, taskMs }) {
  const jobs = concurrency * 2;
  const idsPerBatch = 50;
  const dir = await tempDir('mpgdpr-bench-workers-');
  const db = await freshDatabase(serverUrl);
  const fake = await startFakeMixpanel({
    ratePerSecond: RATE * 1.1,
    timings: { pendingMs: taskMs, stagingMs: taskMs, startedMs: taskMs },
  });
  const env = {
    MIXPANEL_GDPR_OAUTH_TOKEN: 'fake-oauth-token',
    MIXPANEL_PROJECT_TOKEN: 'fake-project-token',
    MIXPANEL_GDPR_BASE_URL: fake.url,
    DATABASE_URL: db.url,
  };
  const running = [];
  try {
    for (let j = 0; j < jobs; j++) {
      const file = join(dir, `ids-${j}.txt`);
      const ids = Array.from({ length: batchesPerJob * idsPerBatch }, (_, i) => `w${j}-u${i}`);
      await writeFile(file, `${ids.join('\n')}\n`);
      await runCli(
        ['delete', '--ids', file, '--ticket', `W-${j}`, '--batch-size', String(idsPerBatch), '--enqueue'],
        env,
        dir,
      );
    }
    const totalIds = jobs * batchesPerJob * idsPerBatch;
    const pool = db.pool();
    const start = () => {
      const run = startCli(
        [
          ...['--rate', String(RATE), '--poll-min-ms', '500', '--poll-max-ms', '2000'],
          ...['worker', '--lease-ms', String(LEASE_MS), '--idle-ms', '300', '--concurrency', String(concurrency)],
        ],
        env,
        dir,
      );
      running.push(run);
      return run;
    };
    const live = Array.from({ length: WORKERS }, start);
    const submittedIds = () => {
      let n = 0;
      for (const task of fake.tasks.values()) n += task.ids.length;
      return n;
    };
    const takeovers = [];
    for (let k = 0; k < kills; k++) {
      // Kills spread over the submissions, each once the previous one's jobs were taken over.
      while (submittedIds() < (totalIds * (k + 1)) / (kills + 2)) await sleep(50);
      const takeover = await killOne(pool, live, start);
      if (takeover) takeovers.push(takeover);
    }
    const deadline = Date.now() + 600_000;
    while (submittedIds() < totalIds) {
      if (Date.now() > deadline) throw new Error(`workers stuck: ${submittedIds()} of ${totalIds} ids submitted`);
      await sleep(100);
    }
    for (const run of live) run.child.kill('SIGTERM');
    for (const run of await Promise.all(live.map((w) => w.done)))
      if (run.code !== 130) throw new Error(`a worker exited ${run.code} on SIGTERM:\n${run.stderr}`);
    return rows(fake.requests, takeovers, { jobs, batches: jobs * batchesPerJob, kills });
  } finally {
    await stopAll(running);
    await fake.close();
    await db.drop();
    await rm(dir, { recursive: true, force: true });
  }
}

const dbNowMs = async (pool) =>
  (await pool.query('SELECT extract(epoch FROM clock_timestamp()) * 1000 AS ms')).rows[0].ms * 1;

async function jobLeases(pool) {
  const { rows } = await pool.query(
    `SELECT resource, owner, extract(epoch FROM acquired_at) * 1000 AS acquired_ms,
      expires_at > clock_timestamp() AS live FROM mgdpr_leases WHERE resource LIKE 'job:%'`,
  );
  return rows.map((r) => ({
    ...r,
    acquired_ms: Number(r.acquired_ms),
    pid: Number(/:(\d+):[^:]+$/.exec(r.owner)?.[1]),
  }));
}

/**
 * SIGKILLs the live worker holding the most jobs, starts another in its place, and waits until each of
 * the jobs it held is claimed by some other worker: `{ firstMs, allMs, jobs }` from the kill, or undefined
 * when no worker holds a job.
 */
async function killOne(pool, live, start) {
  const leases = (await jobLeases(pool)).filter((l) => l.live);
  const byPid = new Map();
  for (const l of leases) byPid.set(l.pid, [...(byPid.get(l.pid) ?? []), l]);
  const victim = live
    .filter((w) => byPid.has(w.child.pid))
    .sort((a, b) => byPid.get(b.child.pid).length - byPid.get(a.child.pid).length)[0];
  if (!victim) return undefined;
  const held = new Map(byPid.get(victim.child.pid).map((l) => [l.resource, l.owner]));
  const killedAt = await dbNowMs(pool);
  victim.child.kill('SIGKILL');
  live[live.indexOf(victim)] = start();
  const takenAt = new Map();
  const deadline = Date.now() + 30_000;
  while (takenAt.size < held.size && Date.now() < deadline) {
    await sleep(20);
    for (const l of await jobLeases(pool))
      if (held.has(l.resource) && l.owner !== held.get(l.resource) && !takenAt.has(l.resource))
        takenAt.set(l.resource, l.acquired_ms);
    // A job finished by its new holder is released (no row): it was taken, when is lost; not counted.
  }
  if (takenAt.size === 0) throw new Error(`no job of the killed worker was taken over in 30 s`);
  const times = [...takenAt.values()].map((t) => t - killedAt);
  return { firstMs: Math.min(...times), allMs: Math.max(...times), jobs: held.size, taken: takenAt.size };
}

function rows(requests, takeovers, { jobs, batches, kills }) {
  const creates = requests.filter((r) => r.operation === 'createDeletion' && r.status >= 200 && r.status < 300);
  const end = creates.at(-1).at;
  const accepted = requests.filter((r) => r.fault !== 'rate-limit' && r.status !== 429 && r.at <= end);
  const first = accepted[0].at;
  const perSecond = ((accepted.length - 1) / (end - first)) * 1000;
  const polls = accepted.filter((r) => r.operation === 'getDeletionStatus').length;
  const rejected = requests.filter((r) => r.status === 429).length;
  const utilisation = perSecond / RATE;
  if (process.env.BENCH_GAPS)
    console.error(
      accepted
        .slice(1)
        .map((r, i) => `${Math.round(r.at - accepted[i].at)}${r.operation === 'getDeletionStatus' ? 'p' : ''}`)
        .join(' '),
    );
  const one = (v) => ({ median: v, min: v, max: v, runs: 1 });
  const all = summarize(takeovers.map((t) => t.allMs));
  const firsts = summarize(takeovers.map((t) => t.firstMs));
  const where = `${WORKERS} workers, ${jobs} jobs of ${batches / jobs} batches, ${kills} SIGKILLs`;
  return [
    {
      id: '9',
      what: `shared pace: utilisation of ${RATE} req/s over ${((end - first) / 1000).toFixed(0)} s of submissions (${where}; ${accepted.length} requests, ${polls} polls)`,
      value: one(utilisation),
      unit: '× rate',
      baseline: ['ideal', 1],
      ratio: utilisation,
      target: '≥ 0.95',
      met: utilisation >= 0.95,
    },
    {
      id: '9',
      what: `429s at the fake (it enforces 1.1 × ${RATE} req/s), whole run`,
      value: one(rejected),
      unit: '',
      digits: 0,
      baseline: ['ideal', 0],
      target: '0',
      met: rejected === 0,
    },
    {
      id: '9',
      what: `takeover after a SIGKILL: kill → every job it held claimed by another worker (lease claimed, DB clock; first job ${Math.round(firsts.median)} ms median), ms`,
      value: all,
      unit: 'ms',
      digits: 0,
      baseline: ['lease timeout', LEASE_MS],
      ratio: all.median / LEASE_MS,
      target: `≤ lease + 1 s (${LEASE_MS + 1_000} ms)`,
      met: all.max <= LEASE_MS + 1_000,
    },
  ];
}
