import { InvalidTaskIdError, type RequestSummary, UnexpectedResponseError } from './errors.js';
import { isObject } from './isObject.js';
import { type ReportedStatus, toReportedStatus } from './taskStatus.js';
import { COMPLIANCE_TYPES, describeValue, validateTaskId } from './validate.js';
import { withoutUndefined } from './withoutUndefined.js';

/** Answer to a create (deletion or retrieval). */
export interface TaskCreated {
  taskId: string;
}

export interface TaskState {
  taskId: string;
  /** A documented state, or UNRECOGNISED when Mixpanel sent something else. */
  status: ReportedStatus;
  /** The status string exactly as Mixpanel sent it. */
  rawStatus: string;
}

export interface RetrievalStatus extends TaskState {
  /** Export link (a signed ZIP URL) once SUCCESS. Download promptly, never log it. */
  downloadUrl?: string;
}

export interface DeletionStatus extends TaskState {
  trackingId?: string;
  requestingUser?: string;
  /** Upper-cased when recognised; otherwise as sent. */
  complianceType?: string;
  projectId?: string;
  dateRequested?: string;
  distinctIds?: string[];
}

/** The one shape of an unusable answer's message. */
export function unexpected(
  status: number,
  body: unknown,
  request: RequestSummary,
  what: string,
  Class = UnexpectedResponseError,
): UnexpectedResponseError {
  return new Class({
    status,
    body,
    request,
    message: `Mixpanel answered ${status} to ${request.method} ${request.url} with ${what}`,
  });
}

export function parseJson(text: unknown, status: number, request: RequestSummary): unknown {
  try {
    return JSON.parse(text as string);
  } catch {
    throw unexpected(status, typeof text === 'string' ? text.slice(0, 500) : text, request, 'a body that is not JSON');
  }
}

/**
 * `results.task_id`, or (one documented variant) `results[0].tracking_id`.
 * The id goes into later request paths and file names, so it must pass
 * `validateTaskId`; one that does not (`../x`, `a/b`, control characters,
 * 10 kB) is an `InvalidTaskIdError`. Mixpanel did answer 2xx, so the create
 * may have made a task: the workflow records the batch as failed rather than
 * resending it, which against a server that always answers so would never end.
 */
export function toTaskCreated(body: unknown, status: number, request: RequestSummary): TaskCreated {
  const results = isObject(body) ? body.results : undefined;
  const first = Array.isArray(results) ? results[0] : results;
  const taskId = isObject(first) ? (nonEmpty(first.task_id) ?? nonEmpty(first.tracking_id)) : undefined;
  if (taskId === undefined)
    throw unexpected(
      status,
      body,
      request,
      'no task id: the request may have been accepted, check the body of this error',
    );
  try {
    return { taskId: validateTaskId(taskId) };
  } catch {
    throw unexpected(
      status,
      body,
      request,
      `an unusable task id ${describeValue(taskId)}; the request may have made a task`,
      InvalidTaskIdError,
    );
  }
}

function toTaskState(
  body: unknown,
  taskId: string,
  status: number,
  request: RequestSummary,
): [TaskState, Record<string, unknown>] {
  const results = isObject(body) ? body.results : undefined;
  const rawStatus = isObject(results) ? results.status : undefined;
  if (!isObject(results) || typeof rawStatus !== 'string' || rawStatus.trim() === '') {
    throw unexpected(status, body, request, 'no task status');
  }
  return [{ taskId, status: toReportedStatus(rawStatus), rawStatus }, results];
}

export function toRetrievalStatus(
  body: unknown,
  taskId: string,
  status: number,
  request: RequestSummary,
): RetrievalStatus {
  const [state, results] = toTaskState(body, taskId, status, request);
  // The link has three names across Mixpanel's sources; empty until complete.
  const downloadUrl = nonEmpty(results.result) ?? nonEmpty(results.results) ?? nonEmpty(results.download_url);
  return downloadUrl === undefined ? state : { ...state, downloadUrl };
}

export function toDeletionStatus(
  body: unknown,
  taskId: string,
  status: number,
  request: RequestSummary,
): DeletionStatus {
  const [state, r] = toTaskState(body, taskId, status, request);
  const compliance = nonEmpty(r.compliance_type);
  const upper = compliance?.toUpperCase();
  const projectId = typeof r.project_id === 'number' ? String(r.project_id) : nonEmpty(r.project_id);
  const distinctIds = Array.isArray(r.distinct_ids)
    ? r.distinct_ids.filter((x): x is string => typeof x === 'string')
    : undefined;
  const extra: Omit<DeletionStatus, keyof TaskState> = {
    trackingId: nonEmpty(r.tracking_id),
    requestingUser: nonEmpty(r.requesting_user),
    complianceType: COMPLIANCE_TYPES.find((c) => c === upper) ?? compliance,
    projectId,
    dateRequested: nonEmpty(r.date_requested),
    distinctIds,
  };
  return { ...state, ...withoutUndefined(extra) };
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}
