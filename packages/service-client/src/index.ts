export type {
  CallOptions,
  Created,
  CreateOptions,
  ExportDownload,
  ServiceClient,
  ServiceClientOptions,
  UploadBody,
  UploadFormat,
} from './createServiceClient.js';
export { createServiceClient } from './createServiceClient.js';
export { isLoopbackHost } from './isLoopbackHost.js';
export type { ResumeSessionOptions } from './resumeSession.js';
export { resumeSession } from './resumeSession.js';
export { ServiceClientError } from './ServiceClientError.js';
export type { ServiceProblemErrorOptions } from './ServiceProblemError.js';
export { ServiceProblemError } from './ServiceProblemError.js';
export type {
  BulkIntake,
  BulkRequestQuery,
  CallbackEvent,
  CallbackEventType,
  components,
  Deadline,
  DeadlinesView,
  DisclosureType,
  EvidencePack,
  ExportListing,
  FieldError,
  Health,
  ListRequestsQuery,
  NewServiceRequest,
  OpenDsrCallback,
  OpenDsrRequest,
  OpenDsrStatus,
  operations,
  Problem,
  ProjectProgress,
  ProjectsView,
  paths,
  Readiness,
  Regulation,
  RequestKind,
  RequestState,
  ServiceRequest,
  ServiceRequestDetail,
  ServiceRequestPage,
  Session,
  SubjectPage,
  SubjectsQuery,
  TaskStatus,
  TimelineEntry,
  webhooks,
} from './schema.js';
export { CALLBACK_SIGNATURE_HEADER, signCallback } from './signCallback.js';
export type { SignInOptions } from './signIn.js';
export { signIn } from './signIn.js';
export type { VerifyCallbackOptions } from './verifyCallbackSignature.js';
export { CallbackSignatureError, verifyCallbackSignature } from './verifyCallbackSignature.js';
