import type { components } from '@mixpanel-gdpr/service-client/schema';
import type { RequestState } from '@mixpanel-gdpr/workflow';
import { OPENDSR_DEFAULTS } from './OPENDSR_DEFAULTS.js';
import type { OpendsrStatus } from './opendsrStatusOf.js';

export type OpendsrStatusBody = components['schemas']['OpenDsrStatus'];

/**
 * A request's status as the protocol reports it (section 8.3), for a
 * status answer and, with `status_callback_url`, a callback (8.6).
 * `expected_completion_time` is the legal due time in force (extended or
 * not). A completed access request points `results_url` at its exports
 * on this service, which a key with the `submit` scope downloads.
 */
export function opendsrStatusBody(
  request: RequestState,
  status: OpendsrStatus,
  publicUrl: string | undefined,
): OpendsrStatusBody {
  const opendsr = request.intake?.opendsr;
  const resultsUrl =
    publicUrl !== undefined && request.kind === 'access' && status === 'completed'
      ? `${publicUrl.replace(/\/+$/, '')}/v1/requests/${encodeURIComponent(request.requestId)}/exports`
      : undefined;
  return {
    controller_id: opendsr?.controllerId ?? request.intake?.keyId ?? 'unknown',
    expected_completion_time: new Date(request.extension?.dueAt ?? request.dueAt).toISOString(),
    subject_request_id: opendsr?.subjectRequestId ?? request.ticket,
    request_status: status,
    api_version: OPENDSR_DEFAULTS.apiVersion,
    ...(resultsUrl !== undefined && { results_url: resultsUrl }),
  };
}
