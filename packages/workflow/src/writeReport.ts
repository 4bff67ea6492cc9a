import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { Ledger } from './ledger/Ledger.js';
import type { JobState, RequestState } from './ledger/LedgerState.js';
import { describeProject } from './project/ProjectIdentity.js';
import { type IdRow, idRows, type JobRequest, type JobSummary, summarizeJob } from './summarizeJob.js';

export type ReportFormat = 'json' | 'csv' | 'md';

/**
 * Writes the job's report, streaming the per-id rows so that a million-id
 * job never builds its report in memory. json: `{ summary, ids: [...] }`;
 * csv: one row per id; md: the summary for humans (no per-id rows).
 */
export async function writeReport(
  ledger: Ledger,
  job: JobState,
  format: ReportFormat,
  out: Writable,
  requests: readonly RequestState[] = [],
): Promise<void> {
  const summary = summarizeJob(job, requests);
  if (format === 'md') return write(out, summaryMarkdown(summary));
  const rows = withTickets(ledger, job, requests);
  if (format === 'csv') return writeCsv(rows, requests.length > 0, out);
  await write(out, `{"summary":${JSON.stringify(summary, null, 2)},\n"ids":[\n`);
  let first = true;
  for await (const row of rows) {
    await write(out, `${first ? '' : ',\n'}${JSON.stringify(row)}`);
    first = false;
  }
  await write(out, '\n]}\n');
}

/** Each row with the tickets of the requests holding its id: its batch's request, a listed id, or the job's one request. */
async function* withTickets(ledger: Ledger, job: JobState, requests: readonly RequestState[]): AsyncGenerator<IdRow> {
  if (requests.length === 0) return yield* idRows(ledger, job);
  const whole = requests.filter((r) => !r.ids).map((r) => r.ticket);
  const byId = new Map<string, string[]>();
  for (const r of requests) for (const id of r.ids ?? []) byId.set(id, [...(byId.get(id) ?? []), r.ticket]);
  const byRequestId = new Map(requests.map((r) => [r.requestId, r.ticket]));
  for await (const row of idRows(ledger, job)) {
    const own = byRequestId.get(job.batches.get(row.batchId)?.requestId ?? '');
    const tickets = own ? [own] : [...whole, ...(byId.get(row.distinctId) ?? [])];
    yield { distinctId: row.distinctId, tickets, ...omitId(row) };
  }
}

function omitId({ distinctId: _, ...rest }: IdRow): Omit<IdRow, 'distinctId'> {
  return rest;
}

async function writeCsv(rows: AsyncIterable<IdRow>, withRequests: boolean, out: Writable): Promise<void> {
  const csv = stringify({
    header: true,
    columns: [
      'distinctId',
      ...(withRequests ? ['tickets'] : []),
      'outcome',
      'taskIds',
      'batchId',
      'submittedAt',
      'statusAt',
      'note',
    ],
    cast: { string: neutraliseFormula },
  });
  csv.pipe(out, { end: false });
  for await (const row of rows) {
    if (!csv.write({ ...row, taskIds: row.taskIds.join(';'), tickets: row.tickets?.join(';') }))
      await once(csv, 'drain');
  }
  csv.end();
  await once(csv, 'end');
}

/**
 * A spreadsheet runs a cell starting with =, +, -, @, tab or CR as a formula
 * (OWASP "CSV injection"), and ids and server messages are not ours to
 * trust: such a cell gets a leading apostrophe, which spreadsheets show as
 * text. The JSON report keeps every id exact for machines.
 */
export function neutraliseFormula(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

/** Requests named in a Markdown summary; the JSON summary lists them all. */
const LISTED_REQUESTS = 20;

/** "ZD-1 (due 2026-12-03), ZD-2 (due …) and 3 more", earliest due first. */
export function namedRequests(requests: readonly JobRequest[], max: number): string {
  const sorted = [...requests].sort((a, b) => a.dueDate.localeCompare(b.dueDate));
  const shown = sorted.slice(0, max).map((r) => `${r.ticket} (due ${r.dueDate})`);
  return `${shown.join(', ')}${sorted.length > max ? ` and ${sorted.length - max} more` : ''}`;
}

async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

export function summaryMarkdown(s: JobSummary): string {
  const table = (title: string, counts: Record<string, number>) =>
    [`| ${title} | count |`, '|---|---:|', ...Object.entries(counts).map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
  return [
    `# ${s.kind === 'deletion' ? 'Deletion' : 'Retrieval'} job ${s.jobId}`,
    '',
    ...(s.project ? [`- Project: ${s.projectName ? `${s.projectName}, ` : ''}${describeProject(s.project)}`] : []),
    ...(s.requests ? [`- Requests: ${namedRequests(s.requests, LISTED_REQUESTS)}`] : []),
    `- Regulation: ${s.complianceType}${s.disclosureType ? ` (disclosure: ${s.disclosureType})` : ''}`,
    `- Ids: ${s.ids.valid} distinct (${s.ids.read} read, ${s.ids.duplicates} duplicates, ${s.ids.invalid} invalid)${s.source ? ` from ${s.source}` : ''}`,
    `- Created ${s.createdAt}, last change ${s.updatedAt}${s.cancelledAt ? `, cancelled ${s.cancelledAt}` : ''}`,
    `- Status: **${s.state}**; ${s.tasks.total} tasks (${s.tasks.fromConflicts} found running through 409 conflicts)`,
    s.kind === 'retrieval'
      ? `- Exports: ${s.exports.downloaded} downloaded (${s.exports.bytes} bytes), ${s.exports.failed} failed`
      : `- Cancelled tasks: ${s.tasks.cancelled}, too late to cancel: ${s.tasks.tooLateToCancel}`,
    `- Batches resent after an unknown outcome: ${s.batches.resentAfterUnknown}`,
    '',
    table('id outcome', s.ids.byOutcome),
    '',
    table('task status', s.tasks.byStatus),
    '',
    '## What this does not cover',
    '',
    ...s.notes.map((n) => `- ${n}`),
    '',
  ].join('\n');
}
