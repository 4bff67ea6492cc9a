export { createMixpanelGdprClient } from './createMixpanelGdprClient.js';
export type {
  CallOptions,
  CancelResult,
  DeletionInput,
  MixpanelGdprClient,
  RetrievalInput,
} from './createMixpanelGdprClient.js';
export type { ClientPaths } from './clientPaths.js';
export { API_MAX_IDS_PER_REQUEST, CLIENT_DEFAULTS } from './options.js';
export type { ClientOptions } from './options.js';
export { REGION_BASE_URLS, isRegion } from './regions.js';
export type { Region } from './regions.js';
export type { DeletionStatus, RetrievalStatus, TaskCreated, TaskState } from './normalize.js';
export {
  CANCELLABLE_STATUSES,
  TASK_STATUSES,
  TERMINAL_STATUSES,
  UNRECOGNISED_STATUS,
  isTerminalStatus,
  toReportedStatus,
} from './taskStatus.js';
export type { ReportedStatus, TaskStatus } from './taskStatus.js';
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
  COMPLIANCE_TYPES,
  DISCLOSURE_TYPES,
  MAX_DISTINCT_ID_LENGTH,
  describeValue,
  distinctIdProblem,
  isLoopbackHost,
  parseComplianceType,
  parseDisclosureType,
  validateBaseUrl,
  validateDistinctIds,
  validateTaskId,
} from './validate.js';
export type { ComplianceType, DisclosureType } from './validate.js';
export { createRedactor, REDACTED } from './redact.js';
export type { Redactor } from './redact.js';
export { MAX_TIMER_MS, sleep } from './sleep.js';
export type { Sleep } from './sleep.js';
export { backoffDelayMs, isRetryable, nextDelayMs, parseRetryAfterMs } from './retryPolicy.js';
