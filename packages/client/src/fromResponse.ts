import {
  ApiError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  RedirectError,
  type RequestSummary,
} from './errors.js';
import { isObject } from './isObject.js';
import type { Redactor } from './redact.js';
import { REGION_BASE_URLS, type Region } from './regions.js';
import { parseRetryAfterMs } from './retryPolicy.js';

export interface ErrorContext {
  request: RequestSummary;
  region: Region;
  baseUrl: string;
  redact: Redactor;
  now: () => number;
}

/** The one place an HTTP error status becomes an error object. */
export function fromResponse(response: Response, rawBody: unknown, ctx: ErrorContext): ApiError {
  const body = redactBody(rawBody, ctx.redact);
  const mixpanelMessage = messageOf(body);
  const headers = Object.fromEntries([...response.headers].map(([name, value]) => [name, ctx.redact(value)]));
  const { status } = response;
  const head = `Mixpanel answered ${status} to ${ctx.request.method} ${ctx.request.url}: ${mixpanelMessage ?? (response.statusText || 'no message')}.`;
  const fields = (hint: string) => ({
    status,
    mixpanelMessage,
    body,
    headers,
    request: ctx.request,
    message: hint ? `${head} ${hint}` : head,
  });
  const region = regionHint(ctx);

  if (status > 299 && status < 400) {
    // Only the host is named: the rest of the target may carry anything, the project token included.
    const location = response.headers.get('location');
    const to =
      location && URL.canParse(location, ctx.request.url)
        ? `to ${new URL(location, ctx.request.url).host}`
        : 'without a Location';
    return new RedirectError(
      fields(
        `A redirect ${to}: the base URL is probably wrong; nothing is followed, so the token is never sent elsewhere.`,
      ),
    );
  }
  if (status === 400)
    return new BadRequestError(fields('Check the ids and the compliance type; a batch may be too large.'));
  if (status === 401) {
    return new AuthenticationError(
      fields(
        'The OAuth token is invalid or expired: tokens expire one year after creation. A project owner or admin can generate a new one in Mixpanel under Profile & Preferences → Data & Privacy. ' +
          region,
      ),
    );
  }
  if (status === 403)
    return new PermissionDeniedError(fields(`Only project owners and admins may use the GDPR API. ${region}`));
  if (status === 404) return new NotFoundError(fields(`No such task for this project. ${region}`));
  if (status === 409) {
    const { ids, taskIds } = conflictDetail(body);
    const hint = `${ids.length} id(s) already have a deletion in progress (task(s) ${taskIds.join(', ') || 'not named'}); the whole request was rejected: resubmit the other ids.`;
    return new ConflictError({ ...fields(hint), conflictingDistinctIds: ids, conflictingTaskIds: taskIds });
  }
  if (status === 429) {
    const retryAfterMs = parseRetryAfterMs(response.headers.get('retry-after'), ctx.now());
    const wait = retryAfterMs === undefined ? 'Back off and retry.' : `Retry after ${retryAfterMs} ms.`;
    return new RateLimitError({
      ...fields(`The GDPR API allows 1 request/s per project and a limited number of outstanding scans. ${wait}`),
      retryAfterMs,
    });
  }
  if (status >= 500) return new InternalServerError(fields(''));
  return new ApiError(fields(''));
}

/** Where to look when Mixpanel does not know the caller: the region, unless a base URL of one's own overrides it. */
function regionHint({ region, baseUrl }: ErrorContext): string {
  // With a proxy or a mock in front, the region setting changes nothing: the URL is what to check.
  if (!Object.values(REGION_BASE_URLS).includes(baseUrl))
    return `Check the base URL (now ${baseUrl}): it must reach Mixpanel's GDPR API for the project's region.`;
  return `If the project lives in another data residency region, set the region (now '${region}', calling ${baseUrl}): 'us', 'eu' or 'in'.`;
}

/** Mixpanel's message: `error` as a string, `error.error` on a 409, or a short text body. */
function messageOf(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim() ? truncate(body.trim()) : undefined;
  if (!isObject(body)) return undefined;
  const { error } = body;
  if (typeof error === 'string') return truncate(error);
  if (isObject(error) && typeof error.error === 'string') return truncate(error.error);
  return undefined;
}

function conflictDetail(body: unknown): { ids: string[]; taskIds: string[] } {
  // Seen as `{ error: { conflicting_… } }`; also accepted at the top level.
  const holder = isObject(body) && isObject(body.error) ? body.error : body;
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  return isObject(holder)
    ? { ids: strings(holder.conflicting_distinct_ids), taskIds: strings(holder.conflicting_task_ids) }
    : { ids: [], taskIds: [] };
}

function redactBody(body: unknown, redact: Redactor): unknown {
  if (typeof body === 'string') return redact(body);
  if (body === undefined) return undefined;
  try {
    return JSON.parse(redact(JSON.stringify(body)));
  } catch {
    return undefined;
  }
}

function truncate(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
