import type { RequestState } from '@mixpanel-gdpr/workflow';
import type { CallbackEventType } from './outboxTypes.js';

/** What the producer needs to know of a request now (the service computes it from the ledger). */
export interface DescribedRequest {
  /** The spec's `RequestState`: `not_submitted`, `submitted`, `done`, `failed`, `cancelled`. */
  state: string;
  atRisk: boolean;
  overdue: boolean;
  extended: boolean;
}

/** How the producer learns of requests and writes their callbacks' bodies: injected by the service. */
export interface CallbackSources {
  describe(request: RequestState): DescribedRequest;
  /** The `request` of the service's `CallbackEvent` (a `ServiceRequest`), as of now. */
  bodyOf(request: RequestState, event: CallbackEventType, previousState: string | undefined): object;
  /**
   * The body of an OpenDSR status callback to `statusCallbackUrl` (OpenDSR
   * puts the URL in the body). Absent: OpenDSR requests get no callbacks.
   */
  opendsrBodyOf?: ((request: RequestState, statusCallbackUrl: string, status: string) => object) | undefined;
  /**
   * The OpenDSR status for a request state (`pending`, `in_progress`,
   * `completed`, `cancelled`): a callback is queued when this changes, so
   * two states with one status send one callback.
   * @default the state itself
   */
  opendsrStatusOf?: ((state: string) => string) | undefined;
}
