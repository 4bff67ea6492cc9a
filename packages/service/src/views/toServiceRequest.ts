import type { components } from '@mixpanel-gdpr/service-client/schema';
import type { RequestView } from '@mixpanel-gdpr/workflow';
import { serviceState } from './serviceState.js';
import { urlWithoutQuery } from './urlWithoutQuery.js';

export type ServiceRequest = components['schemas']['ServiceRequest'];

const iso = (ms: number) => new Date(ms).toISOString();

/** A request as the spec's `ServiceRequest` shows it: no ids (their count only), the callback URL without its query. */
export function toServiceRequest({ request, progress, health }: RequestView): ServiceRequest {
  const idCount = request.ids?.length ?? Math.max(0, ...progress.projects.map((p) => p.ids));
  const invalid = request.invalid?.length ?? 0;
  return {
    requestId: request.requestId,
    ticket: request.ticket,
    kind: request.kind,
    regulation: request.regulation,
    ...(request.disclosureType && { disclosureType: request.disclosureType }),
    receivedAt: iso(request.receivedAt),
    recordedAt: iso(request.recordedAt),
    updatedAt: iso(Math.max(request.updatedAt, ...progress.projects.map((p) => p.doneAt ?? p.submittedAt ?? 0))),
    timeZone: request.timeZone,
    ...(request.labels && { labels: request.labels }),
    idCount,
    ...(invalid > 0 && { invalidIdCount: invalid }),
    ...(request.callbackUrl && { callbackUrl: urlWithoutQuery(request.callbackUrl) }),
    state: serviceState(progress.stage),
    ...(progress.submittedAt !== undefined && { submittedAt: iso(progress.submittedAt) }),
    ...(progress.doneAt !== undefined && { completedAt: iso(progress.doneAt) }),
    deadline: {
      dueDate: health.dueDate,
      dueAt: iso(health.dueAt),
      originalDueDate: request.dueDate,
      ...(request.extension && {
        extension: {
          reason: request.extension.reason,
          dueDate: request.extension.dueDate,
          dueAt: iso(request.extension.dueAt),
          recordedAt: iso(request.extension.at),
        },
      }),
      daysLeft: health.daysLeft,
      atRisk: health.atRisk,
      overdue: health.overdue,
      late: health.late,
      reasons: health.reasons,
    },
    ...(request.cancelled && { cancelled: { reason: request.cancelled.reason, at: iso(request.cancelled.at) } }),
    ...(request.purgedAt !== undefined && { purgedAt: iso(request.purgedAt) }),
    projects: progress.projects.map((p) => ({
      project: p.project,
      state: serviceState(p.stage),
      idCount: p.ids,
      byOutcome: p.byOutcome,
      taskCount: p.taskIds.length,
      ...(p.submittedAt !== undefined && { submittedAt: iso(p.submittedAt) }),
      ...(p.doneAt !== undefined && { completedAt: iso(p.doneAt) }),
    })),
  };
}
