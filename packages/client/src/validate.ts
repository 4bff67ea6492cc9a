import { ValidationError } from './errors.js';
import type { components } from './generated/schema.js';

/**
 * Longest distinct_id accepted. Mixpanel's ingestion does not keep longer
 * distinct_ids, so a longer one cannot name a user, and an incorrect id can
 * make a whole task FAIL.
 */
export const MAX_DISTINCT_ID_LENGTH = 255;

/** From the spec, the one source; the lists below are checked against them (see `ListsCoverTheSpec`). */
export type ComplianceType = components['schemas']['ComplianceType'];
export type DisclosureType = components['schemas']['DisclosureType'];

export const COMPLIANCE_TYPES = ['GDPR', 'CCPA'] as const satisfies readonly ComplianceType[];
export const DISCLOSURE_TYPES = ['Data', 'Categories', 'Sources'] as const satisfies readonly DisclosureType[];

/**
 * Allowed task ids: letters, digits, '_', '-', and '.' after the first
 * character. Nothing that can change the request path: no '/', '\\', '%',
 * '?', '#', whitespace, and never '.' or '..' (openapi-fetch does not encode
 * those, so `..` would reach the parent path).
 */
const TASK_ID = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$/;

const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * Escaped beyond what JSON.stringify does: C1 controls (U+009B starts a
 * terminal escape sequence), line separators and bidirectional overrides.
 */
const UNPRINTABLE = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** A short, printable rendering of a bad value for an error message. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    const shown = JSON.stringify(value.slice(0, 60)).replace(
      UNPRINTABLE,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
    return value.length > 60 ? `${shown}… (${value.length} characters)` : shown;
  }
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return value !== null && typeof value === 'object' ? 'an object' : String(value);
}

/** The one shape of a validation message: `<field> must <rule> (got <value>)`. */
function invalid(field: string, rule: string, value: unknown, shown = describeValue(value)): ValidationError {
  return new ValidationError(field, `${field} must ${rule} (got ${shown})`);
}

/** Why a distinct_id is unusable, or undefined when it is fine. */
export function distinctIdProblem(id: unknown): string | undefined {
  if (typeof id !== 'string') return 'not a string';
  if (!id) return 'empty';
  if (!id.trim()) return 'only whitespace';
  if (id.length > MAX_DISTINCT_ID_LENGTH) return `longer than ${MAX_DISTINCT_ID_LENGTH} characters`;
  return CONTROL_CHARACTERS.test(id) ? 'contains control characters' : undefined;
}

export function validateDistinctIds(ids: unknown, maxIds: number, field = 'distinctIds'): string[] {
  if (!Array.isArray(ids) || ids.length === 0) throw invalid(field, 'be a non-empty array of strings', ids);
  if (ids.length > maxIds) throw invalid(field, `hold at most ${maxIds} ids per request: split into batches`, ids);
  ids.forEach((id, i) => {
    const problem = distinctIdProblem(id);
    if (problem) throw invalid(`${field}[${i}]`, `be a usable distinct_id, but is ${problem}`, id);
  });
  return ids as string[];
}

/** The member of `allowed` that `value` names, in any casing; otherwise an error listing them. */
function oneOf<T extends string>(allowed: readonly T[], value: unknown, field: string): T {
  const match = allowed.find((a) => typeof value === 'string' && a.toLowerCase() === value.toLowerCase());
  if (match) return match;
  throw invalid(field, `be one of ${allowed.join(', ')}`, value);
}

/** Any casing is accepted. */
export function parseComplianceType(value: unknown, field = 'complianceType'): ComplianceType {
  return oneOf(COMPLIANCE_TYPES, value, field);
}

/** Disclosure types exist for CCPA retrievals only; any casing is accepted. */
export function parseDisclosureType(
  value: unknown,
  complianceType: ComplianceType,
  field = 'disclosureType',
): DisclosureType | undefined {
  if (value === undefined) return undefined;
  if (complianceType !== 'CCPA')
    throw invalid(field, `be left out: it applies to CCPA retrievals only, not ${complianceType}`, value);
  return oneOf(DISCLOSURE_TYPES, value, field);
}

export function validateTaskId(value: unknown, field = 'taskId'): string {
  if (typeof value === 'string' && TASK_ID.test(value)) return value;
  throw invalid(
    field,
    "be 1-200 letters, digits, '_', '-' or '.', not starting with '.', so that it cannot change the request path",
    value,
  );
}

const LOOPBACK_HOSTS = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.test(hostname);
}

/** An absolute https URL, or http on loopback; no credentials, query or fragment. */
export function validateBaseUrl(value: unknown, field = 'baseUrl'): string {
  const url = URL.canParse(String(value)) ? new URL(String(value)) : undefined;
  if (!url || !/^https?:$/.test(url.protocol)) throw invalid(field, 'be an absolute http(s) URL', value);
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname))
    throw invalid(field, 'use https: plain http is allowed only on loopback', value);
  // The value is not shown here: it may hold a password.
  if (url.username || url.password || url.search || url.hash)
    throw invalid(field, 'not carry credentials, a query or a fragment', value, `${url.origin}${url.pathname}`);
  return url.toString().replace(/\/+$/, '');
}

/** A secret must be a non-empty, header-safe string. Its value is never shown. */
export function validateSecret(value: unknown, field: string): string {
  if (typeof value === 'string' && value.trim() && !/[\s\u0000-\u001f\u007f]/.test(value)) return value;
  throw invalid(
    field,
    'be a non-empty string without whitespace or control characters',
    value,
    typeof value === 'string' ? 'value hidden' : String(value),
  );
}

export function validateInteger(value: unknown, field: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
  throw invalid(
    field,
    `be an integer ${max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`}`,
    value,
  );
}

/** Compiles only when `Missing` is empty; the error names what is missing. */
type Exhaustive<Missing extends never> = Missing;
// A compliance or disclosure type added to the spec breaks the build here (checked by the compiler; no runtime cost).
/** A compile-time check, exported only so that no linter or compiler calls it unused; never imported. */
export type ListsCoverTheSpec = [
  Exhaustive<Exclude<ComplianceType, (typeof COMPLIANCE_TYPES)[number]>>,
  Exhaustive<Exclude<DisclosureType, (typeof DISCLOSURE_TYPES)[number]>>,
];
