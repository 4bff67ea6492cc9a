import type { InvalidId } from '../ids/normalizeIds.js';
import type { Ledger } from '../ledger/Ledger.js';
import type { RequestState } from '../ledger/LedgerState.js';
import type { MixpanelTaskFields } from '../ledger/records.js';
import type { ProjectIdentity } from '../project/ProjectIdentity.js';
import { DELETION_NOTES, groupIds, RETRIEVAL_NOTES } from '../summarizeJob.js';
import type { RequestView } from './createRequestDesk.js';
import { requestGroups } from './requestProgress.js';

export const EVIDENCE_FORMAT = 'mixpanel-gdpr-evidence';
export const EVIDENCE_VERSION = 1;

export interface TimelineEntry {
  /** ISO time. */
  at: string;
  event: 'submitted' | 'found running (409)' | 'status' | 'not found (404)' | 'cancel' | 'export' | 'export failed';
  status?: string;
  rawStatus?: string;
  detail?: string;
}

export interface EvidenceTask {
  taskId: string;
  /** The request's ids in this task (others' ids sharing it are not listed). */
  ids: string[];
  status: string;
  timeline: TimelineEntry[];
  /** What Mixpanel itself reported of the task (who asked, when, which project). */
  mixpanel?: MixpanelTaskFields;
  export?: { file: string; bytes: number; sha256: string };
}

export interface EvidencePack {
  format: typeof EVIDENCE_FORMAT;
  version: typeof EVIDENCE_VERSION;
  generatedAt: string;
  tool: { name: string; version: string };
  request: {
    requestId: string;
    ticket: string;
    kind: RequestState['kind'];
    regulation: string;
    disclosureType?: string;
    receivedAt: string;
    timeZone: string;
    recordedAt: string;
    labels?: Record<string, string>;
    /** The input and the SHA-256 of its bytes. */
    source?: { name: string; sha256?: string };
    /** Every valid distinct id of the request (keyed hashes once purged: see `purged`). */
    ids: string[];
    invalid: InvalidId[];
    /** When its ids in the ledger were replaced by keyed hashes. */
    purgedAt?: string;
    cancelled?: { reason: string; at: string };
  };
  deadline: {
    dueDate: string;
    originalDueDate: string;
    extension?: { reason: string; dueDate: string; recordedAt: string };
    daysLeft: number;
    stage: string;
    overdue: boolean;
    atRisk: boolean;
    late: boolean;
    reasons: string[];
    submittedAt?: string;
    completedAt?: string;
  };
  projects: Array<{
    name: string;
    identity?: ProjectIdentity;
    stage: string;
    jobIds: string[];
    tasks: EvidenceTask[];
    /** Ids of the request not in any task, with why. */
    notSubmitted: Array<{ id: string; note: string }>;
  }>;
  /** What the operation does not cover: say it to the data subject or act on it elsewhere. */
  notCovered: string[];
  /**
   * The hash of the ledger's last line when the pack was made (file ledgers):
   * `verify` against it shows the history behind this pack was not changed since.
   */
  ledgerHead?: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Everything an auditor asks about one request, from the ledger's full
 * history (not only the latest state): the request as received, its
 * deadline and extension, every project, job and task with every status
 * seen and when, Mixpanel's own fields, exports with their hashes, and what
 * deletion does not cover.
 */
export async function evidencePack(
  ledger: Ledger,
  view: RequestView,
  tool: { name: string; version: string },
  nowMs: number,
): Promise<EvidencePack> {
  const { request, progress, health } = view;
  const state = ledger.state;
  // Read before the history: the pack covers at least everything up to this line.
  const head = (ledger as { head?: string }).head;
  const jobIds = new Set(request.jobIds);
  const timelines = new Map<string, TimelineEntry[]>();
  const entry = (jobId: string, taskId: string, e: TimelineEntry) => {
    const key = `${jobId}\u0000${taskId}`;
    timelines.set(key, [...(timelines.get(key) ?? []), e]);
  };
  for await (const r of ledger.history()) {
    if (!('jobId' in r) || !jobIds.has(r.jobId)) continue;
    const at = iso(r.at);
    if (r.type === 'batch.submitted')
      entry(r.jobId, r.taskId, { at, event: 'submitted', detail: `batch ${r.batchId}` });
    else if (r.type === 'batch.conflict')
      for (const t of r.coveringTaskIds)
        entry(r.jobId, t, {
          at,
          event: 'found running (409)',
          detail: `batch ${r.batchId}: ids already being deleted`,
        });
    else if (r.type === 'task.status')
      entry(r.jobId, r.taskId, { at, event: 'status', status: r.status, rawStatus: r.rawStatus });
    else if (r.type === 'task.missing')
      entry(r.jobId, r.taskId, { at, event: 'not found (404)', detail: r.witnessed ? 'witnessed' : 'unwitnessed' });
    else if (r.type === 'task.cancel')
      entry(r.jobId, r.taskId, {
        at,
        event: 'cancel',
        detail: r.cancelled ? 'cancelled' : `not cancelled${r.reason ? `: ${r.reason}` : ''}`,
      });
    else if (r.type === 'export.downloaded')
      entry(r.jobId, r.taskId, { at, event: 'export', detail: `${r.bytes} bytes, sha256 ${r.sha256}` });
    else if (r.type === 'export.failed') entry(r.jobId, r.taskId, { at, event: 'export failed', detail: r.error });
  }

  const allIds = new Set<string>();
  const projects: EvidencePack['projects'] = [];
  for (const p of progress.projects) {
    const tasks = new Map<string, EvidenceTask>();
    const notSubmitted: Array<{ id: string; note: string }> = [];
    let identity: ProjectIdentity | undefined;
    for (const jobId of p.jobIds) {
      const job = state.jobs.get(jobId)!;
      identity ??= job.project;
      for (const group of requestGroups(request, job)) {
        const { row } = group;
        // A batch's ids are read back from the store (one read per batch, not kept).
        const ids = await groupIds(ledger, job, group);
        for (const id of ids) allIds.add(id);
        if (row.taskIds.length === 0) {
          for (const id of ids) notSubmitted.push({ id, note: row.note ?? row.outcome });
          continue;
        }
        for (const taskId of row.taskIds) {
          let task = tasks.get(taskId);
          if (!task) {
            const t = job.tasks.get(taskId)!;
            task = {
              taskId,
              ids: [],
              status: t.status ?? 'SUBMITTED',
              timeline: timelines.get(`${jobId}\u0000${taskId}`) ?? [],
              ...(t.mixpanel && { mixpanel: t.mixpanel }),
              ...(t.export &&
                !('error' in t.export) && {
                  export: { file: t.export.file, bytes: t.export.bytes, sha256: t.export.sha256 },
                }),
            };
            tasks.set(taskId, task);
          }
          for (const id of ids) task.ids.push(id);
        }
      }
    }
    projects.push({
      name: p.project,
      ...(identity && { identity }),
      stage: p.stage,
      jobIds: p.jobIds,
      tasks: [...tasks.values()],
      notSubmitted,
    });
  }
  // Jobs of other projects may not exist yet; the request's own list (or its jobs' ids) is the truth.
  const ids = request.ids ?? [...allIds];
  const firstJob = request.jobIds.map((id) => state.jobs.get(id)).find((j) => j !== undefined);
  const sha256 = request.source?.sha256 ?? firstJob?.ingested?.sourceSha256;
  return {
    format: EVIDENCE_FORMAT,
    version: EVIDENCE_VERSION,
    generatedAt: iso(nowMs),
    tool,
    request: {
      requestId: request.requestId,
      ticket: request.ticket,
      kind: request.kind,
      regulation: request.regulation,
      ...(request.disclosureType && { disclosureType: request.disclosureType }),
      receivedAt: iso(request.receivedAt),
      timeZone: request.timeZone,
      recordedAt: iso(request.recordedAt),
      ...(request.labels && { labels: request.labels }),
      ...(request.source && { source: { name: request.source.name, ...(sha256 && { sha256 }) } }),
      ids,
      invalid: [...(request.invalid ?? []), ...(request.ids ? [] : (firstJob?.ingested?.invalid ?? []))],
      ...(request.purgedAt !== undefined && { purgedAt: iso(request.purgedAt) }),
      ...(request.cancelled && { cancelled: { reason: request.cancelled.reason, at: iso(request.cancelled.at) } }),
    },
    deadline: {
      dueDate: health.dueDate,
      originalDueDate: request.dueDate,
      ...(request.extension && {
        extension: {
          reason: request.extension.reason,
          dueDate: request.extension.dueDate,
          recordedAt: iso(request.extension.at),
        },
      }),
      daysLeft: health.daysLeft,
      stage: progress.stage,
      overdue: health.overdue,
      atRisk: health.atRisk,
      late: health.late,
      reasons: health.reasons,
      ...(progress.submittedAt !== undefined && { submittedAt: iso(progress.submittedAt) }),
      ...(progress.doneAt !== undefined && { completedAt: iso(progress.doneAt) }),
    },
    projects,
    notCovered: request.kind === 'erasure' ? DELETION_NOTES : RETRIEVAL_NOTES,
    ...(head && { ledgerHead: head }),
  };
}
