/**
 * The error tree. Thrown only by the friendly methods and for misuse; the raw
 * client returns openapi-fetch's `{ data, error, response }` instead.
 *
 * Every error of a request takes one options object, so that a test (or a
 * user's fake client) builds one in a line: `new NotFoundError({ status: 404,
 * request })`. Inside this package `fromResponse` is the one factory of
 * `ApiError`s.
 *
 * No error carries a secret: messages, bodies and URLs are redacted before
 * they reach a constructor, and no request headers are kept.
 */

/** Method and URL of the failed request, with the project token redacted. */
export interface RequestSummary {
  method: string;
  url: string;
}

export class MixpanelGdprError extends Error {
  override name = 'MixpanelGdprError';
}

/** Bad input or options, detected before any request was sent. */
export class ValidationError extends MixpanelGdprError {
  override name = 'ValidationError';
  constructor(
    /** The option or field at fault, e.g. `distinctIds[3]`. */
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** What every error about one request carries. */
export interface RequestErrorOptions extends ErrorOptions {
  request: RequestSummary;
  /** @default a sentence naming the status (or failure) and the request */
  message?: string | undefined;
}

export interface ApiErrorOptions extends RequestErrorOptions {
  status: number;
  /** Mixpanel's own message (`error` in the body), if any. */
  mixpanelMessage?: string | undefined;
  /** The parsed (or text) body, redacted. */
  body?: unknown;
  /** Response headers, redacted. @default {} */
  headers?: Record<string, string> | undefined;
}

/** Mixpanel answered with an HTTP error status. */
export class ApiError extends MixpanelGdprError {
  override name = 'ApiError';
  // Fields set in a constructor are `declare`d throughout: the compiler then emits no
  // second definition of each (bytes in the size budget), and the types are the same.
  declare readonly status: number;
  /** Mixpanel's own message (`error` in the body), if any. */
  declare readonly mixpanelMessage: string | undefined;
  /** The parsed (or text) body, redacted. */
  declare readonly body: unknown;
  declare readonly headers: Record<string, string>;
  declare readonly request: RequestSummary;
  constructor(options: ApiErrorOptions) {
    const { status, request } = options;
    super(options.message ?? `Mixpanel answered ${status} to ${request.method} ${request.url}`, options);
    this.status = status;
    this.mixpanelMessage = options.mixpanelMessage;
    this.body = options.body;
    this.headers = options.headers ?? {};
    this.request = request;
  }
}

export class BadRequestError extends ApiError {
  override name = 'BadRequestError';
}
export class AuthenticationError extends ApiError {
  override name = 'AuthenticationError';
}
export class PermissionDeniedError extends ApiError {
  override name = 'PermissionDeniedError';
}
export class NotFoundError extends ApiError {
  override name = 'NotFoundError';
}

export interface ConflictErrorOptions extends ApiErrorOptions {
  /** @default [] */
  conflictingDistinctIds?: string[] | undefined;
  /** @default [] */
  conflictingTaskIds?: string[] | undefined;
}

/** 409 on create deletion: some ids already have a running deletion task. */
export class ConflictError extends ApiError {
  override name = 'ConflictError';
  /** Ids of the request that a running deletion already covers. */
  declare readonly conflictingDistinctIds: string[];
  /** The running deletion task(s) covering them. */
  declare readonly conflictingTaskIds: string[];
  constructor(options: ConflictErrorOptions) {
    super(options);
    this.conflictingDistinctIds = options.conflictingDistinctIds ?? [];
    this.conflictingTaskIds = options.conflictingTaskIds ?? [];
  }
}

export interface RateLimitErrorOptions extends ApiErrorOptions {
  /** The server's `Retry-After`, in milliseconds. */
  retryAfterMs?: number | undefined;
}

export class RateLimitError extends ApiError {
  override name = 'RateLimitError';
  /** The server's `Retry-After`, in milliseconds, when it sent one. */
  declare readonly retryAfterMs: number | undefined;
  constructor(options: RateLimitErrorOptions) {
    super(options);
    this.retryAfterMs = options.retryAfterMs;
  }
}
export class InternalServerError extends ApiError {
  override name = 'InternalServerError';
}
/**
 * A 3xx. Mixpanel's API does not redirect, and redirects are never followed
 * (a followed redirect would carry the bearer token to wherever it points):
 * the base URL is wrong, or something in between answers for Mixpanel.
 */
export class RedirectError extends ApiError {
  override name = 'RedirectError';
}

export interface UnexpectedResponseErrorOptions extends RequestErrorOptions {
  status: number;
  /** The body as received (text when it was not JSON), redacted. */
  body?: unknown;
}

/** A response whose body could not be used (not JSON, no task id, no status, too large). */
export class UnexpectedResponseError extends MixpanelGdprError {
  override name = 'UnexpectedResponseError';
  declare readonly status: number;
  declare readonly body: unknown;
  declare readonly request: RequestSummary;
  constructor(options: UnexpectedResponseErrorOptions) {
    const { status, request } = options;
    super(
      options.message ?? `Mixpanel answered ${status} to ${request.method} ${request.url} with an unusable body`,
      options,
    );
    this.status = status;
    this.body = options.body;
    this.request = request;
  }
}

/**
 * A create answered 2xx with a task id that `validateTaskId` refuses (it could
 * change a request path, or is not printable). Mixpanel did answer, so the
 * request may have made a task: this is not a reason to send it again.
 */
export class InvalidTaskIdError extends UnexpectedResponseError {
  override name = 'InvalidTaskIdError';
}

/** A 2xx whose body is longer than `maxResponseBytes` once decoded: reading stopped there. */
export class ResponseTooLargeError extends UnexpectedResponseError {
  override name = 'ResponseTooLargeError';
}

export interface ConnectionErrorOptions extends RequestErrorOptions {
  /**
   * True only when no connection was made (refused, DNS). False when the
   * server may have received and acted on the request (connection reset
   * after sending): a create must then be treated as "outcome unknown", not
   * as "not sent".
   * @default false
   */
  neverSent?: boolean | undefined;
}

/** The request never got an HTTP answer (refused, reset, DNS). */
export class ConnectionError extends MixpanelGdprError {
  override name = 'ConnectionError';
  declare readonly request: RequestSummary;
  /** See `ConnectionErrorOptions.neverSent`. */
  declare readonly neverSent: boolean;
  constructor(options: ConnectionErrorOptions) {
    const { request } = options;
    super(options.message ?? `${request.method} ${request.url} failed`, options);
    this.request = request;
    this.neverSent = options.neverSent ?? false;
  }
}

export interface TimeoutErrorOptions extends RequestErrorOptions {
  /** The bound that was exceeded, in ms. */
  timeoutMs: number;
}

/** One attempt took longer than `timeoutMs`. The server may have acted on it. */
export class TimeoutError extends MixpanelGdprError {
  override name = 'TimeoutError';
  declare readonly request: RequestSummary;
  declare readonly timeoutMs: number;
  constructor(options: TimeoutErrorOptions) {
    const { request, timeoutMs } = options;
    super(options.message ?? `${request.method} ${request.url} timed out after ${timeoutMs} ms`, options);
    this.request = request;
    this.timeoutMs = timeoutMs;
  }
}

/** The caller's `AbortSignal` fired. */
export class AbortError extends MixpanelGdprError {
  override name = 'AbortError';
}
