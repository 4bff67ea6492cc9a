import type { components } from '@mixpanel-gdpr/service-client/schema';

export type OpendsrStatus = components['schemas']['OpenDsrStatusValue'];

/**
 * The protocol's status (section 8) for the service's request state:
 * `not_submitted` is `pending` (received, nothing sent to Mixpanel yet: the
 * only status a controller may cancel in), `submitted` and `failed` are
 * `in_progress` (the protocol has no failed status, and a failed task
 * waits for a person, not for the controller), `done` is `completed`.
 * Two states with one status send one callback.
 */
export function opendsrStatusOf(state: string): OpendsrStatus {
  switch (state) {
    case 'not_submitted':
      return 'pending';
    case 'submitted':
    case 'failed':
      return 'in_progress';
    case 'done':
      return 'completed';
    case 'cancelled':
      return 'cancelled';
    default:
      throw new TypeError(`no OpenDSR status for the request state ${JSON.stringify(state)}`);
  }
}
