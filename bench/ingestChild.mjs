// Runs one ingestion variant in its own process and prints { ms, ids, batches, maxRssMb }.
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { emptyIdStats, normalizeIds, readIdsFromFile } from '../packages/workflow/dist/index.js';

const [variant, file, format] = process.argv.slice(2);
const start = performance.now();
let ids = 0;
let batches = 0;
if (variant === 'baseline') {
  // The usual hand-rolled script: read it all, split, Set.
  const text = await readFile(file, 'utf8');
  let lines = text.split('\n');
  if (format === 'csv') lines = lines.slice(1).map((l) => l.split(',')[1]);
  const unique = new Set(lines.map((l) => l?.trim()).filter(Boolean));
  ids = unique.size;
  batches = Math.ceil(ids / 1999);
} else if (variant === 'parser') {
  // The CSV parser the workflow uses (papaparse's core parser, driven the same way) and nothing else: the
  // ceiling of any CSV ingestion built on it. Rows, not ids: no validation, no dedupe, no batching.
  const Papa = createRequire(new URL('../packages/workflow/package.json', import.meta.url))('papaparse');
  const parser = new Papa.Parser({ delimiter: ',', newline: '\n', quoteChar: '"' });
  let partial = '';
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 16 })) {
    const result = parser.parse(partial + chunk, 0, true);
    ids += result.data.length;
    partial = (partial + chunk).slice(result.meta.cursor);
  }
  if (partial) ids += parser.parse(partial, 0, false).data.length;
  ids -= 1; // the header
} else {
  const stats = emptyIdStats();
  let batch = [];
  for await (const chunk of normalizeIds(
    await readIdsFromFile(file, format === 'csv' ? { format: 'csv', column: 'distinct_id' } : {}),
    stats,
  )) {
    for (const id of chunk) {
      batch.push(id);
      if (batch.length === 1999) {
        batches++;
        batch = [];
      }
    }
  }
  if (batch.length) batches++;
  ids = stats.valid;
}
const ms = performance.now() - start;
console.log(JSON.stringify({ ms, ids, batches, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
