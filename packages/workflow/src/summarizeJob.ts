import type { JobState, TaskRecord } from './ledger/LedgerState.js';
import { isOutstanding } from './pollTasks.js';

/** The outcome of one distinct id. SUBMITTED: sent, not yet polled. NOT_SUBMITTED: no task yet (or its batch failed). */
export type IdOutcome = string;

export interface IdRow {
  distinctId: string;
  outcome: IdOutcome;
  /** The task(s) covering the id; several when a 409 named more than one. */
  taskIds: string[];
  batchId: string;
  /** ISO times. */
  submittedAt?: string;
  statusAt?: string;
  note?: string;
}

export interface JobSummary {
  jobId: string;
  kind: JobState['kind'];
  complianceType: string;
  disclosureType?: string;
  source?: string;
  createdAt: string;
  updatedAt: string;
  cancelledAt?: string;
  /** Every task ended (and every export fetched or failed) and no batch is waiting. */
  complete: boolean;
  ids: { read: number; valid: number; duplicates: number; invalid: number; byOutcome: Record<string, number> };
  batches: { total: number; byPhase: Record<string, number>; resentAfterUnknown: number };
  tasks: { total: number; byStatus: Record<string, number>; fromConflicts: number; cancelled: number; tooLateToCancel: number };
  exports: { downloaded: number; failed: number; bytes: number };
  notes: string[];
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** What Mixpanel's deletion does not do, stated in every deletion report. */
export const DELETION_NOTES = [
  'Deletion removes the users’ events and profiles from this Mixpanel project only. Data already exported to warehouses, data pipelines or other destinations is not deleted: erase it there too.',
  'Deletion does not stop future tracking: opt these users out in your app (for example opt_out_tracking) or new events will recreate their profiles.',
  'Mixpanel may take up to 30 days to complete a deletion; this report records each task’s last known status.',
];
export const RETRIEVAL_NOTES = [
  'Export files are personal data: store and send them securely, and delete them when the request is answered.',
  'A CCPA export covers only the previous year of data.',
];

/** Per-id outcomes, streamed in plan order (invalid ids last). */
export function* idRows(job: JobState): Generator<IdRow> {
  for (const batch of job.batches.values()) {
    if (batch.phase === 'split') continue;
    if (batch.phase === 'submitted') {
      // Everything but the id is the same for the whole batch: work it out once.
      const shared = outcomeOf([job.tasks.get(batch.taskId!)!]);
      for (const distinctId of batch.ids) yield { distinctId, ...shared, batchId: batch.batchId };
    } else if (batch.phase === 'conflict') {
      for (const distinctId of batch.ids) {
        const covering = job.coveredBy.get(distinctId);
        if (covering) yield { distinctId, ...outcomeOf(covering.map((t) => job.tasks.get(t)!)), batchId: batch.batchId, note: 'already being deleted by an earlier request (409)' };
      }
    } else {
      for (const distinctId of batch.ids) yield { distinctId, outcome: 'NOT_SUBMITTED', taskIds: [], batchId: batch.batchId, ...(batch.error && { note: batch.error }) };
    }
  }
  for (const invalid of job.ingested?.invalid ?? []) {
    yield { distinctId: invalid.value, outcome: 'INVALID', taskIds: [], batchId: '', note: `input position ${invalid.position}: ${invalid.reason}` };
  }
}

/** What the tasks covering an id say of it. With several, the id is done when all are: the least advanced status speaks. */
function outcomeOf(tasks: TaskRecord[]): Pick<IdRow, 'outcome' | 'taskIds' | 'submittedAt' | 'statusAt'> {
  return {
    outcome: tasks.map((t) => t.status ?? 'SUBMITTED').find((s) => s !== 'SUCCESS') ?? 'SUCCESS',
    taskIds: tasks.map((t) => t.taskId),
    submittedAt: iso(Math.min(...tasks.map((t) => t.since))),
    statusAt: iso(Math.max(...tasks.map((t) => t.statusSince ?? t.since))),
  };
}

/** Ids per outcome, without building a row per id. */
function outcomeCounts(job: JobState): Record<string, number> {
  const counts: Record<string, number> = {};
  const add = (outcome: string, n: number) => (counts[outcome] = (counts[outcome] ?? 0) + n);
  for (const batch of job.batches.values()) {
    if (batch.phase === 'submitted') add(outcomeOf([job.tasks.get(batch.taskId!)!]).outcome, batch.ids.length);
    else if (batch.phase === 'conflict') {
      for (const id of batch.ids) {
        const covering = job.coveredBy.get(id);
        if (covering) add(outcomeOf(covering.map((t) => job.tasks.get(t)!)).outcome, 1);
      }
    } else if (batch.phase !== 'split') add('NOT_SUBMITTED', batch.ids.length);
  }
  return counts;
}

export function summarizeJob(job: JobState): JobSummary {
  const count = (into: Record<string, number>, key: string) => (into[key] = (into[key] ?? 0) + 1);
  const byOutcome = outcomeCounts(job);
  const byPhase: Record<string, number> = {};
  let resentAfterUnknown = 0;
  for (const b of job.batches.values()) {
    count(byPhase, b.phase);
    if (b.unknowns > 0) resentAfterUnknown++;
  }
  const byStatus: Record<string, number> = {};
  const exports = { downloaded: 0, failed: 0, bytes: 0 };
  let cancelled = 0;
  let tooLate = 0;
  for (const t of job.tasks.values()) {
    count(byStatus, t.status ?? 'SUBMITTED');
    if (t.cancel) t.cancel.cancelled ? cancelled++ : tooLate++;
    if (t.export && 'error' in t.export) exports.failed++;
    else if (t.export) (exports.downloaded++, (exports.bytes += t.export.bytes));
  }
  const waiting = [...job.batches.values()].some((b) => ['planned', 'sending', 'unknown'].includes(b.phase)) && job.cancelledAt === undefined;
  const outstanding = [...job.tasks.values()].some((t) => isOutstanding(job, t));
  return {
    jobId: job.jobId,
    kind: job.kind,
    complianceType: job.complianceType,
    ...(job.disclosureType && { disclosureType: job.disclosureType }),
    ...(job.source && { source: job.source }),
    createdAt: iso(job.createdAt)!,
    updatedAt: iso(job.updatedAt)!,
    ...(job.cancelledAt !== undefined && { cancelledAt: iso(job.cancelledAt) }),
    complete: !waiting && !outstanding,
    ids: { read: job.ingested?.read ?? 0, valid: job.ingested?.valid ?? 0, duplicates: job.ingested?.duplicates ?? 0, invalid: job.ingested?.invalid.length ?? 0, byOutcome },
    batches: { total: job.batches.size, byPhase, resentAfterUnknown },
    tasks: { total: job.tasks.size, byStatus, fromConflicts: [...job.tasks.values()].filter((t) => t.origin === 'conflict').length, cancelled, tooLateToCancel: tooLate },
    exports,
    notes: job.kind === 'deletion' ? DELETION_NOTES : RETRIEVAL_NOTES,
  };
}
