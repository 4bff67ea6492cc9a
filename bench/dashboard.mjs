// 12. The requests page and its listing with many requests stored: the service (real HTTP on loopback,
// a file store) over N requests, `GET /v1/requests` hammered from a second process (p50, p99), and the
// dashboard's requests page in headless Chromium (first contentful paint, time until the table shows).
// The baseline is the same with 100 requests stored, in the same run.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { dashboardRoot } from '../packages/dashboard/dist/index.js';
import { createApiKey, createService } from '../packages/service/dist/index.js';
import { createRequestDesk, createWorkflow, FileLedger } from '../packages/workflow/dist/index.js';
import { launchChromium } from '../scripts/chromium.mjs';
import { summarize } from './stats.mjs';

const run = promisify(execFile);
const DAY = 86_400_000;

/** The service over `count` requests received over the last 40 days (some at risk, some overdue). */
async function serviceWith(count) {
  const dir = await mkdtemp(join(tmpdir(), 'mpgdpr-bench-dashboard-'));
  const ledger = await FileLedger.open(join(dir, 'ledger.jsonl'));
  const now = Date.now();
  const offline = {};
  const projects = new Map(['web', 'mobile'].map((p) => [p, createWorkflow({ ledger, client: offline })]));
  const desk = createRequestDesk({ ledger, projects });
  for (let i = 0; i < count; i += 1000) {
    const batch = [];
    for (let j = i; j < Math.min(count, i + 1000); j++)
      batch.push({
        ticket: `DSR-${j}`,
        kind: j % 7 ? 'erasure' : 'access',
        regulation: j % 3 ? 'GDPR' : 'CCPA',
        receivedAt: now - ((j * 7919) % (40 * DAY)),
        ids: [`subject-${j}`],
        projects: j % 2 ? ['web'] : ['web', 'mobile'],
      });
    await desk.receive(batch);
  }
  const { app } = await createService({
    ledger,
    desk,
    projects: ['web', 'mobile'],
    secret: new Uint8Array(32).fill(3),
    version: 'bench',
    logger: false,
    dashboardRoot,
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const { key } = await createApiKey(ledger, { name: 'bench', scopes: ['read'], now: Date.now() });
  return {
    url,
    key,
    async close() {
      await app.close();
      await ledger.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function listing(service, durationMs) {
  const client = new URL('./listingClient.mjs', import.meta.url).pathname;
  const { stdout } = await run(process.execPath, [
    client,
    `${service.url}/v1/requests?limit=50`,
    service.key,
    '4',
    String(durationMs),
  ]);
  const latencies = JSON.parse(stdout).sort((a, b) => a - b);
  return {
    p50: latencies[Math.floor(latencies.length * 0.5)],
    p99: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))],
    perSecond: latencies.length / (durationMs / 1000),
  };
}

async function pageLoads(service, browser, runs) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(service.url);
  await page.getByLabel('API key').fill(service.key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  const paints = [];
  const tables = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await page.goto(`${service.url}/#/requests`, { waitUntil: 'commit' });
    await page.reload({ waitUntil: 'commit' });
    await page.locator('table.requests tbody tr').first().waitFor();
    tables.push(performance.now() - start);
    paints.push(
      await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN),
    );
  }
  await context.close();
  return { paint: summarize(paints), table: summarize(tables) };
}

export async function dashboard({ quick }) {
  const count = quick ? 2_000 : 100_000;
  const label = count.toLocaleString('en-US');
  const browser = await launchChromium();
  const measured = {};
  try {
    for (const [name, n] of [
      ['base', 100],
      ['many', count],
    ]) {
      const service = await serviceWith(n);
      try {
        measured[name] = {
          list: await listing(service, quick ? 2_000 : 10_000),
          page: await pageLoads(service, browser, quick ? 2 : 7),
        };
      } finally {
        await service.close();
      }
    }
  } finally {
    await browser.close();
  }
  const { base, many } = measured;
  const one = (v) => ({ median: v, min: v, max: v, runs: 1 });
  return [
    {
      id: '11',
      what: `list requests (first page of 50) with ${label} stored, p99 ms (4 in flight, from a second process; p50 ${many.list.p50.toFixed(1)} ms, ${Math.round(many.list.perSecond)}/s)`,
      value: one(many.list.p99),
      unit: 'ms',
      baseline: ['100 stored', base.list.p99],
      ratio: many.list.p99 / base.list.p99,
      target: '≤ 50 ms p99',
      met: quick ? undefined : many.list.p99 <= 50,
    },
    {
      id: '12',
      what: `dashboard requests page with ${label} stored: first contentful paint, ms`,
      value: many.page.paint,
      unit: 'ms',
      baseline: ['100 stored', base.page.paint.median],
      ratio: many.page.paint.median / base.page.paint.median,
      target: '≤ 1 s',
      met: quick ? undefined : many.page.paint.median <= 1_000,
    },
    {
      id: '12',
      what: `dashboard requests page with ${label} stored: load until the table shows, ms`,
      value: many.page.table,
      unit: 'ms',
      baseline: ['100 stored', base.page.table.median],
      ratio: many.page.table.median / base.page.table.median,
      target: '≤ 1 s',
      met: quick ? undefined : many.page.table.median <= 1_000,
    },
  ];
}
