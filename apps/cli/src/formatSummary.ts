import { isTerminalStatus, type ReportedStatus } from '@mixpanel-gdpr/client';
import type { JobSummary } from '@mixpanel-gdpr/workflow';
import { EXIT } from './exitCodes.js';
import type { ProgressView } from './ProgressView.js';

const counts = (c: Record<string, number>) =>
  Object.entries(c)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ') || 'none';

/** The end-of-job table for humans. */
export function formatSummary(s: JobSummary, view: ProgressView): string {
  const c = view.color;
  const state = s.complete ? (Object.keys(s.ids.byOutcome).every((k) => k === 'SUCCESS') ? c.green('complete') : c.red('complete, with failures')) : c.yellow('in progress');
  const rows: Array<[string, string]> = [
    ['job', `${c.bold(s.jobId)} (${s.kind}, ${s.complianceType}${s.disclosureType ? `, ${s.disclosureType}` : ''}): ${state}`],
    ['ids', `${s.ids.valid} distinct (${s.ids.read} read, ${s.ids.duplicates} duplicates, ${s.ids.invalid} invalid)`],
    ['outcomes', counts(s.ids.byOutcome)],
    ['tasks', `${s.tasks.total}: ${counts(s.tasks.byStatus)}${s.tasks.fromConflicts ? ` (${s.tasks.fromConflicts} found running, via 409)` : ''}`],
  ];
  if (s.kind === 'retrieval') rows.push(['exports', `${s.exports.downloaded} downloaded (${s.exports.bytes} bytes), ${s.exports.failed} failed`]);
  if (s.tasks.cancelled || s.tasks.tooLateToCancel) rows.push(['cancel', `${s.tasks.cancelled} cancelled, ${s.tasks.tooLateToCancel} too late`]);
  if (s.batches.resentAfterUnknown) rows.push(['resent', `${s.batches.resentAfterUnknown} batch(es) after an unknown outcome`]);
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${c.dim(k.padEnd(width))}  ${v}`).join('\n');
}

/** Exit code of a finished (or submitted) job. */
export function summaryExitCode(s: JobSummary, waited: boolean): number {
  // Complete: anything but SUCCESS is a failure. In progress: only the ends that are not SUCCESS are.
  const failed = Object.entries(s.ids.byOutcome).some(([k, n]) => n > 0 && k !== 'SUCCESS' && (s.complete || isTerminalStatus(k as ReportedStatus)));
  const badBatches = (s.batches.byPhase.failed ?? 0) > 0 || s.exports.failed > 0;
  if (failed || badBatches) return EXIT.someFailed;
  // Invalid ids were never sent: a job waited on to the end did not answer them.
  if (waited && s.ids.invalid > 0) return EXIT.someFailed;
  return waited && !s.complete ? EXIT.someFailed : EXIT.ok;
}
