import type { components } from '@mixpanel-gdpr/service-client/schema';
import type { RequestState } from '@mixpanel-gdpr/workflow';
import { opendsrStatusBody } from './opendsrStatusBody.js';
import type { OpendsrStatus } from './opendsrStatusOf.js';

export type OpendsrCallbackBody = components['schemas']['OpenDsrCallback'];

/**
 * The body of the status callback to one of a request's
 * `status_callback_urls` (section 8.6): its status, with the URL it is sent
 * to, which the controller checks is its own (8.8 step 6). For
 * `queueCallbacks`' `opendsrBodyOf`; `publicUrl` gives completed access
 * requests their `results_url`.
 */
export function opendsrBodyOf(
  request: RequestState,
  statusCallbackUrl: string,
  status: string,
  publicUrl?: string,
): OpendsrCallbackBody {
  const { controller_id, expected_completion_time, ...rest } = opendsrStatusBody(
    request,
    status as OpendsrStatus,
    publicUrl,
  );
  return { controller_id, expected_completion_time, status_callback_url: statusCallbackUrl, ...rest };
}
