/**
 * The error tree. Thrown only by the friendly methods and for misuse; the raw
 * client returns openapi-fetch's `{ data, error, response }` instead.
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

/** Mixpanel answered with an HTTP error status. */
export class ApiError extends MixpanelGdprError {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    /** Mixpanel's own message (`error` in the body), if any. */
    readonly mixpanelMessage: string | undefined,
    /** The parsed (or text) body, redacted. */
    readonly body: unknown,
    readonly headers: Record<string, string>,
    readonly request: RequestSummary,
    message: string,
  ) {
    super(message);
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
/** 409 on create deletion: some ids already have a running deletion task. */
export class ConflictError extends ApiError {
  override name = 'ConflictError';
  conflictingDistinctIds: string[] = [];
  conflictingTaskIds: string[] = [];
}
export class RateLimitError extends ApiError {
  override name = 'RateLimitError';
  /** The server's `Retry-After`, in milliseconds, when it sent one. */
  retryAfterMs: number | undefined;
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

/** A response whose body could not be used (not JSON, no task id, no status, too large). */
export class UnexpectedResponseError extends MixpanelGdprError {
  override name = 'UnexpectedResponseError';
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly request: RequestSummary,
    message: string,
  ) {
    super(message);
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

/** The request never got an HTTP answer (refused, reset, DNS). */
export class ConnectionError extends MixpanelGdprError {
  override name = 'ConnectionError';
  constructor(
    readonly request: RequestSummary,
    message: string,
    /**
     * False when the server may have received and acted on the request
     * (connection reset after sending): a create must then be treated as
     * "outcome unknown", not as "not sent".
     */
    readonly neverSent: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** One attempt took longer than `timeoutMs`. The server may have acted on it. */
export class TimeoutError extends MixpanelGdprError {
  override name = 'TimeoutError';
  constructor(
    readonly request: RequestSummary,
    readonly timeoutMs: number,
  ) {
    super(`${request.method} ${request.url} timed out after ${timeoutMs} ms`);
  }
}

/** The caller's `AbortSignal` fired. */
export class AbortError extends MixpanelGdprError {
  override name = 'AbortError';
}
