// Runs one file-store variant in its own process and prints { ms, ids, maxRssMb }.
// ingest: ids read, deduplicated and batched, into no store (the baseline).
// write: a job of every id in `file` planned into a new file ledger (ingest, dedupe, batch, fsync'd appends).
// replay: the ledger opened (read-only), as every command does first.
// baseline-replay: the whole file read and every record parsed and kept: a ledger replayed into memory whole.
import { readFile } from 'node:fs/promises';
import {
  createWorkflow,
  emptyIdStats,
  FileLedger,
  normalizeIds,
  readIdsFromFile,
} from '../packages/workflow/dist/index.js';

const [variant, file, ledgerPath] = process.argv.slice(2);
const start = performance.now();
let ids = 0;
if (variant === 'ingest') {
  // The same ingestion, dedupe and batching, into no store: what the store adds is the difference.
  const stats = emptyIdStats();
  let batched = 0;
  for await (const chunk of normalizeIds(await readIdsFromFile(file), stats)) batched += chunk.length;
  ids = batched;
} else if (variant === 'write') {
  const ledger = await FileLedger.open(ledgerPath);
  const workflow = createWorkflow({ ledger, client: {} });
  const jobId = await workflow.createJob({
    kind: 'deletion',
    complianceType: 'GDPR',
    ids: await readIdsFromFile(file),
  });
  ids = ledger.state.jobs.get(jobId).ingested.valid;
  await ledger.close();
} else if (variant === 'replay') {
  const ledger = await FileLedger.open(ledgerPath, { readOnly: true });
  for (const job of ledger.state.jobs.values()) for (const batch of job.batches.values()) ids += batch.idCount;
  await ledger.close();
} else {
  const records = (await readFile(ledgerPath, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
  for (const r of records) if (r.type === 'batch.planned') ids += r.ids.length;
}
const ms = performance.now() - start;
console.log(JSON.stringify({ ms, ids, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
