// 11 (intake). Creating one-id requests through `POST /v1/requests` under load: the service (real HTTP on
// loopback, in this process) over the PostgreSQL store (a throwaway server, or DATABASE_URL), an open-loop load at
// a fixed rate from a second process (bench/intakeClient.mjs says why not autocannon), every body distinct (ticket,
// id, Idempotency-Key, receivedAt spread over 25 days). The baseline is `GET /healthz` at the same rate against the
// same service in the same run: the floor of HTTP, fastify and the load generator on this (shared, noisy)
// machine, so the ratio is what filing a request adds. The file store is no baseline: it fsyncs each append
// under a file lock, one at a time, so it measures that store, not the cost of PostgreSQL.
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createApiKey, createService } from '../packages/service/dist/index.js';
import { PostgresLedger } from '../packages/store-postgres/dist/index.js';
import { createRequestDesk, createWorkflow } from '../packages/workflow/dist/index.js';
import { startThrowawayPostgres } from '../scripts/postgres.mjs';
import { summarize } from './stats.mjs';

const run = promisify(execFile);
async function load(service, { rate, seconds, tickets }) {
  const client = new URL('./intakeClient.mjs', import.meta.url).pathname;
  const args = tickets
    ? [`${service.url}/v1/requests`, service.key, rate, seconds, tickets]
    : [`${service.url}/healthz`, service.key, rate, seconds];
  const cpuBefore = process.cpuUsage();
  const { stdout } = await run(process.execPath, [client, ...args.map(String)], { maxBuffer: 1 << 20 });
  const result = JSON.parse(stdout);
  await service.settled();
  // The service's own CPU per call (this process: user and system), steadier than latency on a shared machine.
  const cpu = process.cpuUsage(cpuBefore);
  result.cpuUsPerCall = (cpu.user + cpu.system) / result.total;
  // Every call counts: an error or a non-2xx answer is a failed create, not a slow one.
  result.failed = result.non2xx + result.errors;
  return result;
}

async function serviceOn(url) {
  const ledger = await PostgresLedger.open(url);
  const offline = {};
  const projects = new Map(['web', 'mobile'].map((p) => [p, createWorkflow({ ledger, client: offline })]));
  const desk = createRequestDesk({ ledger, projects, policy: { timeZone: 'Europe/Berlin' } });
  const { app } = await createService({
    ledger,
    desk,
    projects: ['web', 'mobile'],
    secret: new Uint8Array(32).fill(7),
    version: 'bench',
    logger: false,
    // The per-key intake limit (600 a minute by default) is a policy against one misbehaving integrator, not
    // the service's capacity: here one key stands for all of them.
    intakePerMinute: 1e9,
  });
  // Calls still being answered: a load's calls left in flight when it ends must not be counted in the next one.
  // Counted on the raw server: 'close' comes once per call, answered or abandoned by its client.
  let inFlight = 0;
  app.server.on('request', (_req, res) => {
    inFlight++;
    res.once('close', () => inFlight--);
  });
  const listening = await app.listen({ host: '127.0.0.1', port: 0 });
  const { key } = await createApiKey(ledger, { name: 'bench intake', scopes: ['read', 'submit'], now: Date.now() });
  return {
    url: listening,
    key,
    async settled() {
      for (const until = Date.now() + 60_000; inFlight > 0 && Date.now() < until; )
        await new Promise((resolve) => setTimeout(resolve, 20));
      // An abandoned call's handler may still be appending: the ledger answers in order, after it.
      await ledger.refresh();
    },
    async close() {
      await app.close();
      await ledger.close();
    },
  };
}

export async function intake({ quick }) {
  const rate = quick ? 200 : 1_000;
  const seconds = quick ? 3 : 10;
  const runs = quick ? 1 : 3;
  const given = process.env.DATABASE_URL;
  const postgres = given ? undefined : await startThrowawayPostgres(await mkdtemp(join(tmpdir(), 'mpgdpr-bench-pg-')));
  const creates = [];
  const healths = [];
  try {
    const service = await serviceOn(given ?? postgres.url);
    try {
      // Distinct per run of the bench too: a DATABASE_URL's store may hold an earlier run's tickets.
      const prefix = `B${Date.now().toString(36)}`;
      // Warm-up (JIT, the pool's connections): not counted.
      await load(service, { rate, seconds: quick ? 1 : 2, tickets: `${prefix}w` });
      for (let i = 0; i < runs; i++) {
        healths.push(await load(service, { rate, seconds: quick ? 2 : 5 }));
        creates.push(await load(service, { rate, seconds, tickets: `${prefix}r${i}` }));
      }
    } finally {
      await service.close();
    }
  } finally {
    await postgres?.stop();
  }
  const p99 = summarize(creates.map((r) => r.p99));
  const perSecond = summarize(creates.map((r) => r.perSecond));
  const p50 = summarize(creates.map((r) => r.p50)).median;
  const failed = creates.reduce((sum, r) => sum + r.failed, 0);
  const healthP99 = summarize(healths.map((r) => r.p99)).median;
  const healthRate = summarize(healths.map((r) => r.perSecond)).median;
  const cpuPerCreate = summarize(creates.map((r) => r.cpuUsPerCall)).median;
  const cpuPerHealth = summarize(healths.map((r) => r.cpuUsPerCall)).median;
  const store = given ? 'PostgreSQL at DATABASE_URL' : 'a throwaway PostgreSQL';
  const load_ = `${rate.toLocaleString('en-US')}/s offered, open loop, from a second process, ${runs} × ${seconds} s`;
  return [
    {
      id: '11',
      what: `create one-id requests (POST /v1/requests, ${store}), achieved per second (${load_}; ${failed} failed or non-2xx)`,
      value: perSecond,
      unit: '/s',
      baseline: ['GET /healthz, same rate', healthRate],
      ratio: perSecond.median / healthRate,
      target: '≥ 1,000/s, 0 failed',
      met: quick ? undefined : perSecond.median >= 1_000 * 0.99 && failed === 0,
      digits: 0,
    },
    {
      id: '11',
      what: `create one-id requests, p99 ms at that rate (p50 ${p50.toFixed(1)} ms; service CPU ${Math.round(cpuPerCreate)} µs a create, ${Math.round(cpuPerHealth)} µs a health check)`,
      value: p99,
      unit: 'ms',
      baseline: ['GET /healthz p99', healthP99],
      ratio: p99.median / healthP99,
      target: '≤ 50 ms p99',
      met: quick ? undefined : p99.median <= 50 && failed === 0,
      digits: 1,
    },
  ];
}
