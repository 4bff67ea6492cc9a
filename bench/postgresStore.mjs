// 10, PostgreSQL part: a 10M-id erasure through the CLI, as an operator runs it. `delete --ids FILE --enqueue`
// ingests the ids and records every batch in the store (ingestion: that process, start to exit); then a
// `worker` runs the job to its end on the fake (in a process of its own) at a high test rate: 1,000 req/s,
// tasks of 3 × 20 ms. Peak RSS is each process's own (getrusage at exit). The baseline is the same two
// commands on the file store (--ledger), in the same run.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeIds } from './ingestion.mjs';
import {
  freshDatabase,
  runCli,
  sleep,
  startCli,
  startFakeProcess,
  stopAll,
  tempDir,
  withPostgres,
} from './postgresBench.mjs';

const TOKENS = { MIXPANEL_GDPR_OAUTH_TOKEN: 'fake-oauth-token', MIXPANEL_PROJECT_TOKEN: 'fake-project-token' };
const FAKE = ['--rate', '1100', '--pending-ms', '20', '--staging-ms', '20', '--started-ms', '20'];
const WORKER = [
  '--json',
  '--rate',
  '1000',
  '--poll-min-ms',
  '50',
  '--poll-max-ms',
  '200',
  'worker',
  '--idle-ms',
  '300',
];

export async function postgresStore({ quick }) {
  const count = quick ? 100_000 : 10_000_000;
  const label = count >= 1e6 ? `${count / 1e6}M ids` : `${count / 1e3}k ids`;
  const dir = await tempDir('mpgdpr-bench-pg10-');
  try {
    const file = join(dir, 'ids.txt');
    await writeIds(file, count, false);
    const fileRun = await endToEnd(file, dir, (work) =>
      work({ where: ['--ledger', join(dir, 'ledger', 'ledger.jsonl')] }),
    );
    const pgRun = await withPostgres(async (serverUrl) => {
      const db = await freshDatabase(serverUrl);
      try {
        return await endToEnd(file, dir, (work) => work({ where: [], env: { DATABASE_URL: db.url } }));
      } finally {
        await db.drop();
      }
    });
    return rows(pgRun, fileRun, label, quick);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Ingests `file` with `--enqueue`, then runs a worker until it reports the job's summary. */
async function endToEnd(file, dir, inStore) {
  return inStore(async ({ where, env = {} }) => {
    // A job belongs to the project (token, region, API URL) it was planned for: the fake's URL from the start.
    const fake = await startFakeProcess(FAKE, dir);
    const settings = { ...TOKENS, ...env, MIXPANEL_GDPR_BASE_URL: fake.url };
    let worker;
    try {
      const ingest = await runCli([...where, 'delete', '--ids', file, '--ticket', 'BIG', '--enqueue'], settings, dir);
      worker = startCli([...where, ...WORKER], settings, dir);
      const deadline = Date.now() + 1_800_000;
      let summary;
      while (!(summary = summaryOf(worker.stdout()))) {
        if (worker.stdout().includes('{"type":"error"')) throw new Error(`the worker failed:\n${worker.stdout()}`);
        if (worker.child.exitCode !== null)
          throw new Error(`the worker exited ${worker.child.exitCode}:\n${(await worker.done).stderr}`);
        if (Date.now() > deadline) throw new Error('the worker did not finish the job in 30 minutes');
        await sleep(200);
      }
      const ranMs = performance.now() - worker.started;
      if (!summary.complete || summary.ids.byOutcome.SUCCESS !== summary.ids.valid)
        throw new Error(`the job ended incomplete: ${JSON.stringify(summary.ids)}`);
      worker.child.kill('SIGTERM');
      const run = await worker.done;
      if (run.code !== 130) throw new Error(`the worker exited ${run.code} on SIGTERM:\n${run.stderr}`);
      return { ingest, worker: { ...run, ms: ranMs }, summary };
    } finally {
      if (worker) await stopAll([worker]);
      await fake.close();
    }
  });
}

function summaryOf(stdout) {
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{"type":"summary"')) continue;
    try {
      return JSON.parse(line);
    } catch {}
  }
  return undefined;
}

function rows(pg, file, label, quick) {
  const one = (v) => ({ median: v, min: v, max: v, runs: 1 });
  const ids = pg.summary.ids.valid;
  const rate = (run) => (ids / run.ingest.ms) * 1000;
  const fmtS = (ms) => `${(ms / 1000).toFixed(0)} s`;
  return [
    {
      id: '10',
      what: `ingest ${label} into PostgreSQL (\`delete --enqueue\`, start to exit: every batch recorded), ids/s`,
      value: one(rate(pg)),
      unit: 'ids/s',
      digits: 0,
      baseline: ['same into the file store', rate(file)],
      ratio: rate(pg) / rate(file),
      target: '≥ 200k ids/s',
      met: quick ? undefined : rate(pg) >= 200_000,
    },
    {
      id: '10',
      what: `peak RSS of that ingesting process (PostgreSQL store)`,
      value: one(pg.ingest.maxRssMb),
      unit: 'MB',
      digits: 0,
      baseline: ['file store', file.ingest.maxRssMb],
      ratio: pg.ingest.maxRssMb / file.ingest.maxRssMb,
      target: '≤ 300 MB',
      met: quick ? undefined : pg.ingest.maxRssMb <= 300,
    },
    {
      id: '10',
      what: `peak RSS of the worker running the ${label} job to its end on the fake at 1,000 req/s (PostgreSQL ${fmtS(pg.worker.ms)}, file store ${fmtS(file.worker.ms)}; ${pg.summary.batches.total} batches)`,
      value: one(pg.worker.maxRssMb),
      unit: 'MB',
      digits: 0,
      baseline: ['file store', file.worker.maxRssMb],
      ratio: pg.worker.maxRssMb / file.worker.maxRssMb,
      target: '≤ 300 MB',
      met: quick ? undefined : pg.worker.maxRssMb <= 300,
    },
  ];
}
