import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { JobState } from './ledger/LedgerState.js';
import { describeProject } from './project/ProjectIdentity.js';
import { idRows, type JobSummary, summarizeJob } from './summarizeJob.js';

export type ReportFormat = 'json' | 'csv' | 'md';

/**
 * Writes the job's report, streaming the per-id rows so that a million-id
 * job never builds its report in memory. json: `{ summary, ids: [...] }`;
 * csv: one row per id; md: the summary for humans (no per-id rows).
 */
export async function writeReport(job: JobState, format: ReportFormat, out: Writable): Promise<void> {
  const summary = summarizeJob(job);
  if (format === 'md') return write(out, summaryMarkdown(summary));
  if (format === 'csv') return writeCsv(job, out);
  await write(out, `{"summary":${JSON.stringify(summary, null, 2)},\n"ids":[\n`);
  let first = true;
  for (const row of idRows(job)) {
    await write(out, `${first ? '' : ',\n'}${JSON.stringify(row)}`);
    first = false;
  }
  await write(out, '\n]}\n');
}

async function writeCsv(job: JobState, out: Writable): Promise<void> {
  const csv = stringify({
    header: true,
    columns: ['distinctId', 'outcome', 'taskIds', 'batchId', 'submittedAt', 'statusAt', 'note'],
    cast: { string: neutraliseFormula },
  });
  csv.pipe(out, { end: false });
  for (const row of idRows(job)) {
    if (!csv.write({ ...row, taskIds: row.taskIds.join(';') })) await once(csv, 'drain');
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

async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

export function summaryMarkdown(s: JobSummary): string {
  const table = (title: string, counts: Record<string, number>) =>
    [`| ${title} | count |`, '|---|---:|', ...Object.entries(counts).map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
  return [
    `# ${s.kind === 'deletion' ? 'Deletion' : 'Retrieval'} job ${s.jobId}`,
    '',
    ...(s.project ? [`- Project: ${describeProject(s.project)}`] : []),
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
