import { ValidationError } from './errors.js';

/**
 * Longest distinct_id accepted. Mixpanel's ingestion does not keep longer
 * distinct_ids, so a longer one cannot name a user, and an incorrect id can
 * make a whole task FAIL.
 */
export const MAX_DISTINCT_ID_LENGTH = 255;

export type ComplianceType = 'GDPR' | 'CCPA';
export type DisclosureType = 'Data' | 'Categories' | 'Sources';

const DISCLOSURE_TYPES: readonly DisclosureType[] = ['Data', 'Categories', 'Sources'];

/**
 * Allowed task ids: letters, digits, '_', '-', and '.' after the first
 * character. Nothing that can change the request path: no '/', '\\', '%',
 * '?', '#', whitespace, and never '.' or '..' (openapi-fetch does not encode
 * those, so `..` would reach the parent path).
 */
const TASK_ID = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$/;

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** A short, printable rendering of a bad value for an error message. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    const shown = JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
    return value.length > 60 ? `${shown} (${value.length} characters)` : shown;
  }
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** Why a distinct_id is unusable, or undefined when it is fine. */
export function distinctIdProblem(id: unknown): string | undefined {
  if (typeof id !== 'string') return 'not a string';
  if (id.length === 0) return 'empty';
  if (id.trim().length === 0) return 'only whitespace';
  if (id.length > MAX_DISTINCT_ID_LENGTH) return `longer than ${MAX_DISTINCT_ID_LENGTH} characters`;
  if (CONTROL_CHARACTERS.test(id)) return 'contains control characters';
  return undefined;
}

export function validateDistinctIds(ids: unknown, maxIds: number, field = 'distinctIds'): string[] {
  if (!Array.isArray(ids)) throw new ValidationError(field, `${field} must be an array of strings (got ${describeValue(ids)})`);
  if (ids.length === 0) throw new ValidationError(field, `${field} must not be empty`);
  if (ids.length > maxIds) {
    throw new ValidationError(field, `${field} has ${ids.length} ids; at most ${maxIds} are allowed per request (split into batches)`);
  }
  ids.forEach((id, i) => {
    const problem = distinctIdProblem(id);
    if (problem) throw new ValidationError(`${field}[${i}]`, `${field}[${i}] is ${problem} (got ${describeValue(id)})`);
  });
  return ids as string[];
}

export function parseComplianceType(value: unknown, field = 'complianceType'): ComplianceType {
  const upper = typeof value === 'string' ? value.toUpperCase() : undefined;
  if (upper === 'GDPR' || upper === 'CCPA') return upper;
  throw new ValidationError(field, `${field} must be "GDPR" or "CCPA" (got ${describeValue(value)})`);
}

/** Disclosure types exist for CCPA retrievals only; any casing is accepted. */
export function parseDisclosureType(value: unknown, complianceType: ComplianceType, field = 'disclosureType'): DisclosureType | undefined {
  if (value === undefined) return undefined;
  if (complianceType !== 'CCPA') {
    throw new ValidationError(field, `${field} applies to CCPA retrievals only (got ${describeValue(value)} with complianceType "${complianceType}")`);
  }
  const match = typeof value === 'string' ? DISCLOSURE_TYPES.find((d) => d.toLowerCase() === value.toLowerCase()) : undefined;
  if (match) return match;
  throw new ValidationError(field, `${field} must be one of ${DISCLOSURE_TYPES.join(', ')} (got ${describeValue(value)})`);
}

export function validateTaskId(value: unknown, field = 'taskId'): string {
  if (typeof value === 'string' && TASK_ID.test(value)) return value;
  throw new ValidationError(
    field,
    `${field} must be 1-200 letters, digits, '_', '-' or '.', not starting with '.' (got ${describeValue(value)}); a task id may not change the request path`,
  );
}

const LOOPBACK_HOSTS = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/** An absolute https URL, or http on loopback; no credentials, query or fragment. */
export function validateBaseUrl(value: unknown, field = 'baseUrl'): string {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw new ValidationError(field, `${field} must be an absolute URL (got ${describeValue(value)})`);
  }
  const shown = describeValue(value);
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.test(url.hostname)) {
    throw new ValidationError(field, `${field} must use https: plain http is allowed only on loopback (got ${shown})`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ValidationError(field, `${field} must be an http(s) URL (got ${shown})`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new ValidationError(field, `${field} must not carry credentials, a query or a fragment (got ${url.origin}${url.pathname})`);
  }
  return url.toString().replace(/\/+$/, '');
}

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.test(hostname);
}

/** A secret must be a non-empty header-safe string. The value is never shown. */
export function validateSecret(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim().length === 0) {
    throw new ValidationError(field, `${field} is required (a non-empty string)`);
  }
  if (/[\s\u0000-\u001f\u007f]/.test(value)) {
    throw new ValidationError(field, `${field} contains whitespace or control characters (value hidden)`);
  }
  return value;
}

export function validateInteger(value: unknown, field: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
  const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `between ${min} and ${max}`;
  throw new ValidationError(field, `${field} must be an integer ${range} (got ${describeValue(value)})`);
}
