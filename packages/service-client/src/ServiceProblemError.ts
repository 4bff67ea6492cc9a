import { ServiceClientError } from './ServiceClientError.js';
import type { FieldError, Problem } from './schema.js';

export interface ServiceProblemErrorOptions {
  /** `POST /v1/requests`: method and path, never the key. */
  request: { method: string; path: string };
  status: number;
  /** The RFC 9457 body, when the answer was one; otherwise `body` holds what came. */
  problem?: Problem | undefined;
  /** A body that was not a problem (a proxy's HTML page, say), shortened. */
  body?: string | undefined;
  /** From `Retry-After` (429, 503), in ms. */
  retryAfterMs?: number | undefined;
}

/**
 * The service answered 4xx or 5xx. Carries its problem+json: `status`,
 * `type`, `title`, `detail`, and `fieldErrors` naming each bad field. Built
 * only from the response body and the request's method and path, with the
 * API key removed from every string (see `toServiceProblemError`).
 */
export class ServiceProblemError extends ServiceClientError {
  override name = 'ServiceProblemError';
  declare readonly status: number;
  /** `urn:mixpanel-gdpr:problem:…`, or `about:blank` when the body was not a problem. */
  declare readonly type: string;
  declare readonly title: string;
  declare readonly detail: string | undefined;
  /** Every bad field the service named (`/distinctIds/3`, `query.limit`, …). */
  declare readonly fieldErrors: readonly FieldError[];
  declare readonly problem: Problem | undefined;
  declare readonly body: string | undefined;
  declare readonly retryAfterMs: number | undefined;
  declare readonly request: { method: string; path: string };

  constructor(o: ServiceProblemErrorOptions) {
    const p = o.problem;
    const fieldErrors = p?.errors ?? [];
    const title = p?.title ?? `HTTP ${o.status}`;
    const fields = fieldErrors.map((e) => `${e.field}: ${e.message}`).join('; ');
    const said = p?.detail ?? (p ? undefined : o.body);
    super(
      fieldErrors[0]?.field ?? 'response',
      printable(
        `${o.request.method} ${o.request.path} answered ${o.status} ${title}${said ? `: ${said}` : ''}${fields ? ` (${fields})` : ''}`,
      ),
    );
    Object.assign(this, {
      status: o.status,
      type: p?.type ?? 'about:blank',
      title,
      detail: p?.detail,
      fieldErrors,
      problem: p,
      body: o.body,
      retryAfterMs: o.retryAfterMs,
      request: o.request,
    });
  }
}

/** Control characters (C0, C1, line separators, bidi overrides) shown escaped: a server's text must not drive a terminal. */
function printable(text: string): string {
  return text.replace(
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
