#!/usr/bin/env node
// `pnpm bench [--quick] [--only 1,3 [--update]]`: runs the benchmarks, prints one markdown table (median of
// several runs, min–max, ratio to a baseline measured in the same run) and writes it to bench/RESULTS.md
// (bench/RESULTS.quick.md for --quick, which CI runs only to prove the benchmarks still work). --only writes
// nothing, unless --update: then its rows replace those rows in RESULTS.md, and the run is listed with its
// time and load (a full run takes over an hour; each row still has its baseline from its own run).
import { readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
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

const update = process.argv.includes('--update');
if (update && (!only || quick)) throw new Error('--update goes with --only (and not --quick): it replaces those rows');
const startedAt = new Date();
const loadAtStart = loadavg()[0];
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
const rowLines = rows.map((r) =>
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
);
const tableOf = (lines) => [line(header), line(header.map(() => '---')), ...lines].join('\n');
const table = tableOf(rowLines);

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}${quick ? ', --quick (smaller inputs, fewer runs)' : ''}`;
const text = `# Benchmarks\n\n${machine}\n\n${table}\n`;
console.log(text);
// A partial run (--only) prints its rows but replaces the full table only with --update, row by row.
if (!only) await writeFile(new URL(quick ? './RESULTS.quick.md' : './RESULTS.md', import.meta.url), text);
if (update) {
  const file = new URL('./RESULTS.md', import.meta.url);
  const old = await readFile(file, 'utf8').catch(() => '');
  const idOf = (l) => l.split('|')[1].trim();
  // Row 1a and 1b are bench 1's.
  const benchOf = (l) => String(Number.parseInt(idOf(l), 10));
  const kept = old.split('\n').filter((l) => /^\| \d/.test(l) && !only.has(benchOf(l)));
  // Sorted by row number, stable: the rows of one bench keep their order.
  const merged = [...kept, ...rowLines].sort((a, b) => Number.parseInt(idOf(a), 10) - Number.parseInt(idOf(b), 10));
  const ids = [...only].sort((a, b) => Number(a) - Number(b));
  const runs = [
    ...(old.match(/^- rows? .+$/gm) ?? []).filter((r) => !r.startsWith(`- rows ${ids.join(', ')}:`)),
    `- rows ${ids.join(', ')}: ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, load average ${loadAtStart.toFixed(1)} at the start`,
  ];
  const runsText = `Each row's baseline was measured in the same run as the row. Runs:\n\n${runs.join('\n')}`;
  const machineOnly = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`;
  await writeFile(file, `# Benchmarks\n\n${machineOnly}\n\n${runsText}\n\n${tableOf(merged)}\n`);
}
