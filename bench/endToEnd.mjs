// 7. End to end: the CLI submitting N ids against the fake (enforcing the same rate) with --rate 50.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeMixpanel } from '../packages/testing/dist/index.js';
import { peakRssMb, summarize } from './stats.mjs';

const BIN = new URL('../apps/cli/dist/bin.js', import.meta.url).pathname;

async function runCli(args, env) {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  let peak;
  // VmHWM only grows: the last reading before exit is the peak.
  const timer = setInterval(() => (peak = peakRssMb(child.pid) ?? peak), 50);
  const [code] = await once(child, 'exit');
  clearInterval(timer);
  if (code !== 0) throw new Error(`mixpanel-gdpr exited ${code}: ${stderr}`);
  return peak;
}

export async function endToEnd({ quick }) {
  const ids = quick ? 20_000 : 1_000_000;
  const rate = 50;
  const runs = quick ? 1 : 3;
  const dir = await mkdtemp(join(tmpdir(), 'mpgdpr-e2e-'));
  const file = join(dir, 'ids.txt');
  const out = createWriteStream(file);
  for (let i = 0; i < ids; i++) if (!out.write(`user-${i}\n`)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
  const walls = [];
  /** Spawn → first request at the fake: start-up, reading and deduping every id, recording the plan durably. */
  const firstRequests = [];
  /** First request → exit: the sending, which the rate bounds. */
  const sendings = [];
  const rss = [];
  let toolkit429 = 0;
  try {
    for (let run = 0; run < runs; run++) {
      const fake = await startFakeMixpanel({ ratePerSecond: rate, timings: { pendingMs: 600_000 } });
      const env = {
        MIXPANEL_GDPR_OAUTH_TOKEN: 'fake-oauth-token',
        MIXPANEL_PROJECT_TOKEN: 'fake-project-token',
        MIXPANEL_GDPR_BASE_URL: fake.url,
        MIXPANEL_GDPR_LEDGER: join(dir, `ledger-${run}.jsonl`),
      };
      // The fake's clock: epoch ms, sub-millisecond, read in this process.
      const now = () => performance.timeOrigin + performance.now();
      const start = now();
      rss.push(await runCli(['--rate', String(rate), 'delete', '--ids', file], env));
      const end = now();
      walls.push((end - start) / 1000);
      firstRequests.push((fake.requests[0].at - start) / 1000);
      sendings.push((end - fake.requests[0].at) / 1000);
      toolkit429 += fake.requests.filter((r) => r.status === 429).length;
      await fake.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const batches = Math.ceil(ids / 1999);
  const ideal = batches / rate;
  const wall = summarize(walls);
  const first = summarize(firstRequests);
  const sending = summarize(sendings);
  // Every id is read, deduped and planned, and the plan recorded durably, before the first request: a job is
  // never half planned when something is sent. That time is measured in each run and added to the ideal.
  const idealWithPlan = ideal + first.median;
  const met429 = toolkit429 === 0;
  // A run too short to be sampled has no reading; report the others.
  const measured = rss.filter((v) => v !== undefined);
  const peak = measured.length ? summarize(measured) : undefined;
  return [
    {
      id: '7',
      what: `CLI, ${ids.toLocaleString('en-US')} ids (${batches} batches) at --rate ${rate}, wall s (${toolkit429} × 429)`,
      value: wall,
      unit: 's',
      baseline: [`ideal ${batches}/${rate} + time to first request`, idealWithPlan],
      ratio: wall.median / idealWithPlan,
      target: '≤ 1.15 × ideal, 0 × 429',
      met: quick ? undefined : wall.median / idealWithPlan <= 1.15 && met429,
      extra: `${(wall.median / ideal).toFixed(2)} × ${batches}/${rate} alone`,
    },
    {
      id: '7',
      what: `CLI time to first request: start-up, ingest and dedupe ${ids.toLocaleString('en-US')} ids, plan recorded, s`,
      value: first,
      unit: 's',
      target: 'report (rows 2 and 6)',
      met: undefined,
      extra: `${Math.round(ids / first.median).toLocaleString('en-US')} ids/s all included`,
    },
    {
      id: '7',
      what: `CLI sending, first request → exit, s (${toolkit429} × 429)`,
      value: sending,
      unit: 's',
      baseline: [`ideal (${batches} - 1)/${rate}`, (batches - 1) / rate],
      ratio: sending.median / ((batches - 1) / rate),
      target: '≤ 1.15 × ideal, 0 × 429',
      met: quick ? undefined : sending.median / ((batches - 1) / rate) <= 1.15 && met429,
    },
    {
      id: '7',
      what: `CLI peak RSS, ${ids.toLocaleString('en-US')} ids, MB`,
      value: peak,
      unit: 'MB',
      digits: 0,
      target: '≤ 250 MB',
      met: quick || !peak ? undefined : peak.median <= 250,
    },
  ];
}
