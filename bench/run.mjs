#!/usr/bin/env node
// `pnpm bench [--quick] [--only 1,3]`: runs the benchmarks, prints one markdown table (median of several
// runs, min–max, ratio to a baseline measured in the same run) and writes it to bench/RESULTS.md
// (bench/RESULTS.quick.md for --quick, which CI runs only to prove the benchmarks still work;
// nothing for --only).
import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { clientOverhead } from './clientOverhead.mjs';
import { coldStart } from './coldStart.mjs';
import { dashboard } from './dashboard.mjs';
import { endToEnd } from './endToEnd.mjs';
import { fileStore } from './fileStore.mjs';
import { ingestion } from './ingestion.mjs';
import { intake } from './intake.mjs';
import { month } from './month.mjs';
import { polling } from './polling.mjs';
import { postgresStore } from './postgresStore.mjs';
import { rateLimit } from './rateLimit.mjs';
import { size } from './size.mjs';
import { fmt } from './stats.mjs';
import { workers } from './workers.mjs';

const quick = process.argv.includes('--quick');
const onlyArg = process.argv.indexOf('--only');
const only = onlyArg > 0 ? new Set(process.argv[onlyArg + 1].split(',')) : undefined;
const benches = [
  ['1', clientOverhead],
  ['2', ingestion],
  ['3', rateLimit],
  ['4', polling],
  ['5', size],
  ['6', coldStart],
  ['7', endToEnd],
  ['8', month],
  ['9', workers],
  ['10', fileStore],
  ['10', postgresStore],
  ['11', intake],
  ['12', dashboard],
];

const rows = [];
for (const [id, bench] of benches) {
  if (only && !only.has(id)) continue;
  const started = performance.now();
  process.stderr.write(`bench ${id} (${bench.name})… `);
  rows.push(...(await bench({ quick })));
  process.stderr.write(`${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

const header = ['#', 'what', 'median', 'min–max', 'baseline (same run)', 'ratio', 'target', 'met'];
const line = (cells) => `| ${cells.join(' | ')} |`;
const table = [
  line(header),
  line(header.map(() => '---')),
  ...rows.map((r) =>
    line([
      r.id,
      r.what + (r.extra ? ` (${r.extra})` : ''),
      r.value ? `${fmt(r.value.median, r.digits ?? 2)} ${r.unit}` : 'n/a',
      r.value ? `${fmt(r.value.min, r.digits ?? 2)}–${fmt(r.value.max, r.digits ?? 2)}` : 'n/a',
      r.baseline ? `${r.baseline[0]}: ${fmt(r.baseline[1], r.digits ?? 2)}` : '—',
      r.ratio === undefined ? '—' : `${fmt(r.ratio, 2)} ×`,
      r.target,
      r.met === undefined ? '—' : r.met ? 'yes' : '**no**',
    ]),
  ),
].join('\n');

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}${quick ? ', --quick (smaller inputs, fewer runs)' : ''}`;
const text = `# Benchmarks\n\n${machine}\n\n${table}\n`;
console.log(text);
// A partial run (--only) prints its rows but never replaces the full table.
if (!only) await writeFile(new URL(quick ? './RESULTS.quick.md' : './RESULTS.md', import.meta.url), text);
