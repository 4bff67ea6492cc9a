import type { IdOutcome } from './IdOutcome.js';
import { isOutstanding, isTaskTerminal } from './jobQueries.js';
import type { Ledger } from './ledger/Ledger.js';
import {
  type BatchState,
  type JobState,
  type RequestState,
  type TaskRecord,
  WAITING_PHASES,
} from './ledger/LedgerState.js';
import type { ProjectIdentity } from './project/ProjectIdentity.js';

/**
 * Where a job stands, as people read it. `not started`: nothing was sent yet
 * (a refused first batch included); `cancelled`: someone cancelled it (its
 * remaining tasks may still be running: see `complete`); `complete with
 * failures`: it ended, and some id did not succeed or an export failed.
 */
export type JobStage = 'not started' | 'in progress' | 'complete' | 'complete with failures' | 'cancelled';

export interface IdRow {
  distinctId: string;
  /** Tickets of the requests holding the id (reports of jobs made from requests). */
  tickets?: string[];
  outcome: IdOutcome;
  /** The task(s) covering the id; several when a 409 named more than one. */
  taskIds: string[];
  batchId: string;
  /** ISO times. */
  submittedAt?: string;
  statusAt?: string;
  note?: string;
}

/** A request as a job's summary names it. */
export interface JobRequest {
  requestId: string;
  ticket: string;
  /** YYYY-MM-DD in the request's time zone: the extended date once extended. */
  dueDate: string;
}

export interface JobSummary {
  jobId: string;
  kind: JobState['kind'];
  complianceType: string;
  disclosureType?: string;
  source?: string;
  /** The project the job was created for (absent for jobs from 0.1). */
  project?: ProjectIdentity;
  /** The configuration's name of that project (absent for the default project). */
  projectName?: string;
  /** The requests whose ids the job carries, earliest due first, with the due date in force. */
  requests?: JobRequest[];
  createdAt: string;
  updatedAt: string;
  cancelledAt?: string;
  /** Every task ended (and every export fetched or failed) and no batch is waiting. */
  complete: boolean;
  /** Set by a run that left the job idle (`leaveIdleAfterMs`): when its next poll is due (ISO 8601). */
  nextPollAt?: string;
  state: JobStage;
  ids: { read: number; valid: number; duplicates: number; invalid: number; byOutcome: Record<string, number> };
  batches: { total: number; byPhase: Record<string, number>; resentAfterUnknown: number };
  tasks: {
    total: number;
    byStatus: Record<string, number>;
    fromConflicts: number;
    cancelled: number;
    tooLateToCancel: number;
  };
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
/** Said first in the report of a cancelled job: what a cancelled id means. */
export const CANCELLED_NOTE =
  'This job was cancelled: ids marked CANCELLED were NOT deleted (their batch was never sent, or Mixpanel revoked the task before it started). Submit them again if they must still be erased.';
export const RETRIEVAL_NOTES = [
  'Export files are personal data: store and send them securely, and delete them when the request is answered.',
  'A CCPA export covers only the previous year of data.',
];

/**
 * Ids that share one outcome: a whole submitted or unsent batch (its ids
 * stay in the store: `count` says how many), or one id covered through a
 * 409 (`ids` names it).
 */
export interface OutcomeGroup {
  batch: BatchState;
  count: number;
  /** Set when the group is not the whole batch: the ids of a 409 found covered by running tasks, one per group. */
  ids?: readonly string[];
  row: Omit<IdRow, 'distinctId'>;
}

/**
 * The one walk from batches to outcomes, in plan order: `idRows` expands it
 * to a row per id, `summarizeJob` only counts it (a million rows with ISO
 * dates cost a second).
 */
export function* outcomeGroups(job: JobState): Generator<OutcomeGroup> {
  for (const batch of job.batches.values()) yield* batchGroups(job, batch);
}

/** The outcome groups of one batch: none for a split (its halves are reported), one per covered id for a 409. */
export function* batchGroups(job: JobState, batch: BatchState): Generator<OutcomeGroup> {
  const batchId = batch.batchId;
  if (batch.phase === 'split') return;
  if (batch.phase === 'submitted') {
    const task = job.tasks.get(batch.taskId!)!;
    const cancelled = cancelledTask(job, task) && {
      outcome: 'CANCELLED' as const,
      note: 'task cancelled before it started: NOT deleted',
    };
    yield { batch, count: batch.idCount, row: { ...outcomeOf([task]), batchId, ...cancelled } };
  } else if (batch.phase === 'conflict') {
    // Ids of a 409 that were not covered went to the remainder batch and are reported there.
    for (const id of batch.coveredIds ?? []) {
      const covering = job.coveredBy.get(id);
      if (covering)
        yield {
          batch,
          count: 1,
          ids: [id],
          row: {
            ...outcomeOf(covering.map((t) => job.tasks.get(t)!)),
            batchId,
            note: 'already being deleted by an earlier request (409)',
          },
        };
    }
  } else if (batch.phase === 'planned' && job.cancelledAt !== undefined) {
    yield {
      batch,
      count: batch.idCount,
      row: {
        outcome: 'CANCELLED',
        taskIds: [],
        batchId,
        note: 'job cancelled before this batch was sent: NOT deleted',
      },
    };
  } else
    yield {
      batch,
      count: batch.idCount,
      row: { outcome: 'NOT_SUBMITTED', taskIds: [], batchId, ...(batch.error && { note: batch.error }) },
    };
}

/**
 * A task of a cancelled job that will delete nothing: REVOKED, or accepted
 * for cancelling (204) and not yet seen to end. A 409's covering task is
 * someone else's request, never cancelled by this job.
 */
function cancelledTask(job: JobState, task: TaskRecord): boolean {
  if (job.cancelledAt === undefined || task.origin !== 'submitted') return false;
  return task.status === 'REVOKED' || (task.cancel?.cancelled === true && !isTaskTerminal(task));
}

/** The ids of an outcome group: its own list, or its batch's ids read back from the store. */
export async function groupIds(ledger: Ledger, job: JobState, group: OutcomeGroup): Promise<readonly string[]> {
  return group.ids ?? ledger.batchIds(job.jobId, group.batch);
}

/** Per-id outcomes, streamed in plan order (invalid ids last), each batch's ids read back from `ledger`. */
export async function* idRows(ledger: Ledger, job: JobState): AsyncGenerator<IdRow> {
  for (const group of outcomeGroups(job))
    for (const distinctId of await groupIds(ledger, job, group)) yield { distinctId, ...group.row };
  for (const invalid of job.ingested?.invalid ?? []) {
    yield {
      distinctId: invalid.value,
      outcome: 'INVALID',
      taskIds: [],
      batchId: '',
      note: `input position ${invalid.position}: ${invalid.reason}`,
    };
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

/** `requests`: the job's requests (`job.requestIds`, looked up in the ledger state), to be named in the summary. */
export function summarizeJob(job: JobState, requests: readonly RequestState[] = []): JobSummary {
  const count = (into: Record<string, number>, key: string, n = 1) => (into[key] = (into[key] ?? 0) + n);
  const byOutcome: Record<string, number> = {};
  for (const { count: n, row } of outcomeGroups(job)) count(byOutcome, row.outcome, n);
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
    else if (t.export) exports.downloaded++, (exports.bytes += t.export.bytes);
  }
  const waiting = [...job.batches.values()].some((b) => WAITING_PHASES.has(b.phase)) && job.cancelledAt === undefined;
  const outstanding = [...job.tasks.values()].some((t) => isOutstanding(job, t));
  return {
    jobId: job.jobId,
    kind: job.kind,
    complianceType: job.complianceType,
    ...(job.disclosureType && { disclosureType: job.disclosureType }),
    ...(job.source && { source: job.source }),
    ...(job.project && { project: job.project }),
    ...(job.projectName && { projectName: job.projectName }),
    ...(requests.length > 0 && {
      requests: requests.map((r) => ({
        requestId: r.requestId,
        ticket: r.ticket,
        dueDate: r.extension?.dueDate ?? r.dueDate,
      })),
    }),
    createdAt: iso(job.createdAt)!,
    updatedAt: iso(job.updatedAt)!,
    ...(job.cancelledAt !== undefined && { cancelledAt: iso(job.cancelledAt) }),
    complete: !waiting && !outstanding,
    state: stageOf(job, !waiting && !outstanding, byOutcome, exports.failed),
    ids: {
      read: job.ingested?.read ?? 0,
      valid: job.ingested?.valid ?? 0,
      duplicates: job.ingested?.duplicates ?? 0,
      invalid: job.ingested?.invalid.length ?? 0,
      byOutcome,
    },
    batches: { total: job.batches.size, byPhase, resentAfterUnknown },
    tasks: {
      total: job.tasks.size,
      byStatus,
      fromConflicts: [...job.tasks.values()].filter((t) => t.origin === 'conflict').length,
      cancelled,
      tooLateToCancel: tooLate,
    },
    exports,
    notes:
      job.cancelledAt !== undefined
        ? [CANCELLED_NOTE, ...DELETION_NOTES]
        : job.kind === 'deletion'
          ? DELETION_NOTES
          : RETRIEVAL_NOTES,
  };
}

function stageOf(job: JobState, complete: boolean, byOutcome: Record<string, number>, failedExports: number): JobStage {
  if (job.cancelledAt !== undefined) return 'cancelled';
  // A refused batch goes back to `planned`: Mixpanel created nothing.
  const sentAny = job.tasks.size > 0 || [...job.batches.values()].some((b) => b.phase !== 'planned');
  if (!sentAny) return 'not started';
  if (!complete) return 'in progress';
  return Object.keys(byOutcome).every((k) => k === 'SUCCESS') && failedExports === 0
    ? 'complete'
    : 'complete with failures';
}
