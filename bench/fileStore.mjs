// 10. The file store at scale: a job of millions of ids planned into a file ledger, then the ledger
// opened again (what every command does first). Each run in a fresh process.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeIds } from './ingestion.mjs';
import { summarize } from './stats.mjs';

function runChild(variant, file, ledger) {
  return JSON.parse(
    execFileSync(process.execPath, [new URL('./ledgerChild.mjs', import.meta.url).pathname, variant, file, ledger], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    }),
  );
}

export async function fileStore({ quick }) {
  const dir = await mkdtemp(join(tmpdir(), 'mpgdpr-bench-'));
  const count = quick ? 200_000 : 10_000_000;
  const runs = quick ? 1 : 3;
  const label = `${(count / 1e6).toLocaleString('en-US')}M ids`;
  const rows = [];
  try {
    const file = join(dir, 'ids.txt');
    await writeIds(file, count, false);
    const writes = [];
    const ingests = [];
    const replays = [];
    const wholes = [];
    for (let r = 0; r < runs; r++) {
      const ledgerDir = join(dir, `ledger-${r}`);
      await mkdir(ledgerDir, { mode: 0o700 });
      const ledger = join(ledgerDir, 'ledger.jsonl');
      ingests.push(runChild('ingest', file, ledger));
      writes.push(runChild('write', file, ledger));
      replays.push(runChild('replay', file, ledger));
      wholes.push(runChild('baseline-replay', file, ledger));
      if (replays.at(-1).ids !== writes.at(-1).ids || wholes.at(-1).ids !== writes.at(-1).ids)
        throw new Error(
          `the replayed ledger disagrees with what was written: ${replays.at(-1).ids} vs ${writes.at(-1).ids}`,
        );
      await rm(ledgerDir, { recursive: true, force: true });
    }
    const rate = (runs) => summarize(runs.map((o) => (o.ids / o.ms) * 1000));
    const write = rate(writes);
    const ingestOnly = rate(ingests).median;
    rows.push({
      id: '10',
      what: `plan ${label} into the file store, ids/s`,
      value: write,
      unit: 'ids/s',
      digits: 0,
      baseline: ['same ingestion, no store', ingestOnly],
      ratio: write.median / ingestOnly,
      target: '≥ 1M ids/s',
      met: quick ? undefined : write.median >= 1e6,
    });
    const writeRss = summarize(writes.map((o) => o.maxRssMb));
    rows.push({
      id: '10',
      what: `peak RSS planning ${label} into the file store`,
      value: writeRss,
      unit: 'MB',
      digits: 0,
      baseline: ['same ingestion, no store', summarize(ingests.map((o) => o.maxRssMb)).median],
      ratio: writeRss.median / summarize(ingests.map((o) => o.maxRssMb)).median,
      target: '≤ 400 MB',
      met: quick ? undefined : writeRss.median <= 400,
    });
    const replayRss = summarize(replays.map((o) => o.maxRssMb));
    const wholeRss = summarize(wholes.map((o) => o.maxRssMb)).median;
    rows.push({
      id: '10',
      what: `peak RSS opening a file store of ${label} (${fmtMs(summarize(replays.map((o) => o.ms)).median)} to open)`,
      value: replayRss,
      unit: 'MB',
      digits: 0,
      baseline: ['whole history parsed into memory', wholeRss],
      ratio: replayRss.median / wholeRss,
      target: '≤ 400 MB (whole run)',
      met: quick ? undefined : replayRss.median <= 400,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return rows;
}

const fmtMs = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);
