import { isTerminalStatus, type ReportedStatus } from '@mixpanel-gdpr/client';
import { type JobStage, type JobSummary, namedRequests } from '@mixpanel-gdpr/workflow';
import { EXIT } from './exitCodes.js';
import type { ProgressView } from './ProgressView.js';
import { counted } from './plural.js';
import type { Style } from './toTerminalText.js';

const counts = (c: Record<string, number>) =>
  Object.entries(c)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ') || 'none';

const STAGE_STYLE: Record<JobStage, Style> = {
  'not started': 'yellow',
  'in progress': 'yellow',
  complete: 'green',
  'complete with failures': 'red',
  cancelled: 'yellow',
};

/** Requests named in a job's summary on the terminal (`requests` lists them all). */
const SHOWN_REQUESTS = 5;

/** Id outcomes that are not failures: succeeded, or deliberately not done (the job was cancelled). */
const NOT_FAILED = new Set(['SUCCESS', 'CANCELLED']);

/** The end-of-job table for humans. */
export function formatSummary(s: JobSummary, view: ProgressView): string {
  const c = view.color;
  const rows: Array<[string, string]> = [
    [
      'job',
      `${c.bold(s.jobId)} (${s.kind}, ${s.complianceType}${s.disclosureType ? `, ${s.disclosureType}` : ''}): ${c[STAGE_STYLE[s.state]](s.state)}`,
    ],
    ...(s.projectName ? [['project', s.projectName] as [string, string]] : []),
    ...(s.requests ? [['requests', namedRequests(s.requests, SHOWN_REQUESTS)] as [string, string]] : []),
    ['ids', `${s.ids.valid} distinct (${s.ids.read} read, ${s.ids.duplicates} duplicates, ${s.ids.invalid} invalid)`],
    ['outcomes', counts(s.ids.byOutcome)],
    [
      'tasks',
      `${s.tasks.total}: ${counts(s.tasks.byStatus)}${s.tasks.fromConflicts ? ` (${s.tasks.fromConflicts} found running, via 409)` : ''}`,
    ],
  ];
  if (s.kind === 'retrieval')
    rows.push(['exports', `${s.exports.downloaded} downloaded (${s.exports.bytes} bytes), ${s.exports.failed} failed`]);
  if (s.cancelledAt)
    rows.push([
      'cancelled',
      `${c.bold(`${counted(s.ids.byOutcome.CANCELLED ?? 0, 'id')} NOT deleted`)} (outcome CANCELLED), on ${s.cancelledAt}`,
    ]);
  if (s.tasks.cancelled || s.tasks.tooLateToCancel)
    rows.push([
      'cancel',
      `${counted(s.tasks.cancelled, 'task')} cancelled, ${s.tasks.tooLateToCancel} too late${s.complete ? '' : ' (still running)'}`,
    ]);
  if (s.batches.resentAfterUnknown)
    rows.push(['resent', `${counted(s.batches.resentAfterUnknown, 'batch', 'batches')} after an unknown outcome`]);
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${c.dim(k.padEnd(width))}  ${v}`).join('\n');
}

/** Exit code of a finished (or submitted) job. A cancelled job's CANCELLED ids are what was asked for, not failures. */
export function summaryExitCode(s: JobSummary, waited: boolean): number {
  // Complete: anything but SUCCESS (or CANCELLED, as asked) is a failure. In progress: only the ends that are not.
  const failed = Object.entries(s.ids.byOutcome).some(
    ([k, n]) => n > 0 && !NOT_FAILED.has(k) && (s.complete || isTerminalStatus(k as ReportedStatus)),
  );
  const badBatches = (s.batches.byPhase.failed ?? 0) > 0 || s.exports.failed > 0;
  if (failed || badBatches) return EXIT.someFailed;
  // Invalid ids were never sent: a job waited on to the end did not answer them (unless it was cancelled: then nothing more was wanted).
  if (waited && s.ids.invalid > 0 && s.state !== 'cancelled') return EXIT.someFailed;
  return waited && !s.complete ? EXIT.someFailed : EXIT.ok;
}
