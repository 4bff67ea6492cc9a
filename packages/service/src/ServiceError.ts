/** One field at fault, as the spec's `FieldError` names it. */
export interface FieldError {
  field: string;
  message: string;
  value?: unknown;
}

export interface ServiceErrorOptions {
  status: number;
  /** The last part of the problem type, `urn:mixpanel-gdpr:problem:<type>` (the spec lists them). */
  type: string;
  title: string;
  /** What went wrong and what to do, as a sentence. */
  detail: string;
  errors?: FieldError[];
  /** Extra response headers (Retry-After, WWW-Authenticate). */
  headers?: Record<string, string>;
}

/**
 * An error the service answers with `application/problem+json` (RFC 9457).
 * Its message never holds a key, a token or an id list.
 */
export class ServiceError extends Error {
  override name = 'ServiceError';
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly errors: FieldError[];
  readonly headers: Record<string, string>;
  constructor(options: ServiceErrorOptions) {
    super(options.detail);
    this.status = options.status;
    this.type = options.type;
    this.title = options.title;
    this.errors = options.errors ?? [];
    this.headers = options.headers ?? {};
  }
}

export const badRequest = (field: string, message: string, value?: unknown) =>
  new ServiceError({
    status: 400,
    type: 'validation',
    title: 'Bad request',
    detail: message,
    errors: [{ field, message, ...(value !== undefined && { value }) }],
  });

export const notFound = (what: string) =>
  new ServiceError({ status: 404, type: 'not-found', title: 'Not found', detail: `${what} does not exist` });

export const conflict = (type: string, title: string, detail: string, field?: string) =>
  new ServiceError({
    status: 409,
    type,
    title,
    detail,
    ...(field && { errors: [{ field, message: detail }] }),
  });
