import { ServiceProblemError } from './ServiceProblemError.js';
import type { Problem } from './schema.js';

/** Longest non-problem body kept in an error, in characters. */
const MAX_BODY_CHARS = 500;

/**
 * The one factory of `ServiceProblemError`s. `error` is openapi-fetch's
 * parsed body (JSON when it parsed, else text). Every string in it has the
 * key removed first: a misbehaving server or proxy could echo the
 * Authorization header back.
 */
export function toServiceProblemError(
  response: Response,
  error: unknown,
  request: { method: string; path: string },
  redact: (text: string) => string,
): ServiceProblemError {
  const clean = scrub(error, redact);
  const problem = isProblem(clean) ? clean : undefined;
  const body =
    problem || clean === undefined || clean === ''
      ? undefined
      : (typeof clean === 'string' ? clean : JSON.stringify(clean)).slice(0, MAX_BODY_CHARS);
  return new ServiceProblemError({
    request,
    status: response.status,
    problem,
    body,
    retryAfterMs: retryAfterMs(response.headers.get('retry-after')),
  });
}

function isProblem(value: unknown): value is Problem {
  if (!value || typeof value !== 'object') return false;
  const p = value as Record<string, unknown>;
  return (
    typeof p.title === 'string' && typeof p.status === 'number' && (p.errors === undefined || isFieldErrors(p.errors))
  );
}

function isFieldErrors(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.every((e) => e && typeof e === 'object' && typeof e.field === 'string' && typeof e.message === 'string')
  );
}

/** A deep copy with `redact` applied to every string (keys included). */
function scrub(value: unknown, redact: (text: string) => string): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((v) => scrub(v, redact));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [redact(k), scrub(v, redact)]));
  return value;
}

/** `Retry-After` as seconds or an HTTP date, in ms from now; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, nowMs = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
