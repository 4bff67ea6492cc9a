/**
 * Types generated from `spec/service.openapi.yml`, for other repositories:
 * import type-only, this module has no runtime code.
 *
 *   import type { paths, components, ServiceRequest } from '@mixpanel-gdpr/service-client/schema';
 */
import type { components, operations, webhooks } from './generated/schema.js';

export type { components, operations, paths, webhooks } from './generated/schema.js';

type Schemas = components['schemas'];

export type RequestKind = Schemas['RequestKind'];
export type Regulation = Schemas['Regulation'];
export type DisclosureType = Schemas['DisclosureType'];
/** `not_submitted` | `submitted` | `done` | `failed` | `cancelled`, per project and over all. */
export type RequestState = Schemas['RequestState'];
export type TaskStatus = Schemas['TaskStatus'];
/** The body of `POST /v1/requests`. */
export type NewServiceRequest = Schemas['NewServiceRequest'];
/** A request with where it stands in each project (lists, creates, callbacks). */
export type ServiceRequest = Schemas['ServiceRequest'];
/** A request with its tasks, their timelines and the callbacks sent (`GET /v1/requests/{requestId}`). */
export type ServiceRequestDetail = Schemas['ServiceRequestDetail'];
export type ServiceRequestPage = Schemas['ServiceRequestPage'];
export type Deadline = Schemas['Deadline'];
export type ProjectProgress = Schemas['ProjectProgress'];
export type TimelineEntry = Schemas['TimelineEntry'];
export type BulkIntake = Schemas['BulkIntake'];
export type EvidencePack = Schemas['EvidencePack'];
export type ExportListing = Schemas['ExportListing'];
export type ProjectsView = Schemas['ProjectsView'];
export type DeadlinesView = Schemas['DeadlinesView'];
export type Health = Schemas['Health'];
/** A dashboard session (`POST /v1/session`): who, which scopes, until when, and the CSRF token. */
export type Session = Schemas['Session'];
/** A page of a request's ids (`GET /v1/requests/{requestId}/subjects`). */
export type SubjectPage = Schemas['SubjectPage'];
export type SubjectsQuery = NonNullable<operations['listSubjects']['parameters']['query']>;
export type Readiness = Schemas['Readiness'];
/** An RFC 9457 problem, as every 4xx and 5xx of the service's own API carries. */
export type Problem = Schemas['Problem'];
export type FieldError = Schemas['FieldError'];
/** The body of a callback to a request's `callbackUrl` (verify it with `verifyCallbackSignature`). */
export type CallbackEvent = Schemas['CallbackEvent'];
export type CallbackEventType = Schemas['CallbackEventType'];
/** Query parameters of `GET /v1/requests`. */
export type ListRequestsQuery = NonNullable<operations['listRequests']['parameters']['query']>;
/** Query parameters of `POST /v1/requests/bulk`: the request's fields, and where the id is in the upload. */
export type BulkRequestQuery = operations['createBulkRequest']['parameters']['query'];
export type OpenDsrRequest = Schemas['OpenDsrRequest'];
export type OpenDsrStatus = Schemas['OpenDsrStatus'];
export type OpenDsrCallback = Schemas['OpenDsrCallback'];
/** What the service POSTs to a `callbackUrl` (the `requestEvent` webhook). */
export type RequestCallback = webhooks['requestEvent']['post'];
