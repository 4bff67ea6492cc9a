// 2. Id ingestion and batching from files (text and CSV), streamed and deduplicated, each run in a fresh process.
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summarize } from './stats.mjs';

export async function writeIds(file, count, csv) {
  const out = createWriteStream(file);
  if (csv) out.write('email,distinct_id,requested\n');
  for (let i = 0; i < count; i++) {
    // 1% duplicates, as real request lists have.
    const id = `user-${(i % 100 === 99 ? i - 1 : i).toString(36).padStart(8, '0')}`;
    if (!out.write(csv ? `u${i}@example.com,${id},2026-11-29\n` : `${id}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

function runChild(variant, file, format) {
  return JSON.parse(
    execFileSync(process.execPath, [new URL('./ingestChild.mjs', import.meta.url).pathname, variant, file, format], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    }),
  );
}

export async function ingestion({ quick }) {
  const dir = await mkdtemp(join(tmpdir(), 'mpgdpr-bench-'));
  const rows = [];
  const sizes = quick ? [100_000] : [1_000_000, 10_000_000];
  const runs = quick ? 1 : 3;
  try {
    for (const count of sizes) {
      for (const format of count > 1_000_000 ? ['text'] : ['text', 'csv']) {
        const file = join(dir, `ids-${count}.${format === 'csv' ? 'csv' : 'txt'}`);
        await writeIds(file, count, format === 'csv');
        const ours = [];
        const base = [];
        for (let r = 0; r < runs; r++) {
          base.push(runChild('baseline', file, format));
          ours.push(runChild('ours', file, format));
        }
        if (ours[0].ids !== base[0].ids)
          throw new Error(`ingestion disagrees with the baseline: ${ours[0].ids} vs ${base[0].ids} ids`);
        const rate = summarize(ours.map((o) => (o.ids / o.ms) * 1000));
        // CSV: what papaparse alone reads in the same run, the ceiling of ingestion built on it.
        const parsed =
          format === 'csv'
            ? summarize(
                Array.from({ length: runs }, () => runChild('parser', file, format)).map((o) => (o.ids / o.ms) * 1000),
              ).median
            : undefined;
        const baseRate = summarize(base.map((o) => (o.ids / o.ms) * 1000)).median;
        const rss = summarize(ours.map((o) => o.maxRssMb));
        const label = `${(count / 1e6).toLocaleString('en-US')}M ${format}`;
        rows.push({
          id: '2',
          what: `ingest + dedupe + batch ${label}, ids/s`,
          value: rate,
          unit: 'ids/s',
          digits: 0,
          baseline: ['readFile+split+Set', baseRate],
          ratio: rate.median / baseRate,
          ...(parsed && {
            extra: `papaparse's parser alone, no validation or dedupe: ${Math.round(parsed).toLocaleString('en-US')} rows/s; ours is ${(rate.median / parsed).toFixed(2)} × that`,
          }),
          target: '≥ 1M ids/s',
          met: count >= 1_000_000 ? rate.median >= 1e6 : undefined,
        });
        rows.push({
          id: '2',
          what: `peak RSS, ${label}`,
          value: rss,
          unit: 'MB',
          digits: 0,
          baseline: ['readFile+split+Set', summarize(base.map((o) => o.maxRssMb)).median],
          ratio: rss.median / summarize(base.map((o) => o.maxRssMb)).median,
          target: count === 1_000_000 ? '≤ 200 MB' : 'report',
          met: count === 1_000_000 ? rss.median <= 200 : undefined,
        });
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return rows;
}
