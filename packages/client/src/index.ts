export type { ClientPaths } from './clientPaths.js';
export type {
  CallOptions,
  CancelResult,
  DeletionInput,
  MixpanelGdprClient,
  RetrievalInput,
} from './createMixpanelGdprClient.js';
export { createMixpanelGdprClient } from './createMixpanelGdprClient.js';
export type {
  ApiErrorOptions,
  ConflictErrorOptions,
  ConnectionErrorOptions,
  RateLimitErrorOptions,
  RequestErrorOptions,
  RequestSummary,
  TimeoutErrorOptions,
  UnexpectedResponseErrorOptions,
} from './errors.js';
export {
  AbortError,
  ApiError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  ConnectionError,
  InternalServerError,
  InvalidTaskIdError,
  MixpanelGdprError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  RedirectError,
  ResponseTooLargeError,
  TimeoutError,
  UnexpectedResponseError,
  ValidationError,
} from './errors.js';
export type { DeletionStatus, RetrievalStatus, TaskCreated, TaskState } from './normalize.js';
export type { ClientOptions } from './options.js';
export { API_MAX_IDS_PER_REQUEST, CLIENT_DEFAULTS } from './options.js';
export type { Redactor } from './redact.js';
export { createRedactor, REDACTED } from './redact.js';
export type { Region } from './regions.js';
export { isRegion, REGION_BASE_URLS } from './regions.js';
export { backoffDelayMs, isRetryable, nextDelayMs, parseRetryAfterMs } from './retryPolicy.js';
export type { Sleep } from './sleep.js';
export { MAX_TIMER_MS, sleep } from './sleep.js';
export type { ReportedStatus, TaskStatus } from './taskStatus.js';
export {
  CANCELLABLE_STATUSES,
  isTerminalStatus,
  TASK_STATUSES,
  TERMINAL_STATUSES,
  toReportedStatus,
  UNRECOGNISED_STATUS,
} from './taskStatus.js';
export type { ComplianceType, DisclosureType } from './validate.js';
export {
  COMPLIANCE_TYPES,
  DISCLOSURE_TYPES,
  describeValue,
  distinctIdProblem,
  isLoopbackHost,
  MAX_DISTINCT_ID_LENGTH,
  parseComplianceType,
  parseDisclosureType,
  validateBaseUrl,
  validateDistinctIds,
  validateTaskId,
} from './validate.js';
