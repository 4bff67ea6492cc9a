import type { components } from '@mixpanel-gdpr/service-client/schema';
import type { RequestKind } from '@mixpanel-gdpr/workflow';
import { badRequest } from '../ServiceError.js';

export type OpendsrRequestBody = components['schemas']['OpenGdprRequest'];

export interface OpendsrIntakeRules {
  /** The configured project names. */
  projects: readonly string[];
  /** Identity types whose raw values are distinct ids. */
  identityTypes: readonly string[];
  /** This processor's domain: the key of its extension. */
  domain: string;
}

/** What an OpenDSR request asks of the service, in the service's terms. */
export interface OpendsrAsk {
  kind: RequestKind;
  regulation: 'GDPR' | 'CCPA';
  receivedAt: number;
  ids: string[];
  projects: string[];
}

/** The service's rule for a distinct id (`DistinctId` in the spec): not only spaces, no control characters. */
const DISTINCT_ID = /^(?=.*\S)[^\u0000-\u001f\u007f-\u009f\u2028\u2029]{1,255}$/;
const EXTENSION_KEYS = ['projects', 'distinct_ids'];

/**
 * An OpenDSR request (section 7.1) as the service's request: `erasure` is
 * an erasure, `access` and `portability` an access request (Mixpanel's
 * export is JSON, portable as it is), `regulation` GDPR or CCPA (GDPR when
 * an OpenGDPR-era controller leaves it out), `submitted_time` the time the
 * legal clock starts. Distinct ids come from the identities of the allowed
 * types in the `raw` format and from this processor's extension; the
 * projects are every configured one unless the extension names some.
 * Refusals name the field and never echo an identity (section 7.6).
 */
export function opendsrNewRequest(body: OpendsrRequestBody, rules: OpendsrIntakeRules): OpendsrAsk {
  const ids = new Set<string>();
  for (const [i, identity] of (body.subject_identities ?? []).entries()) {
    const field = `subject_identities[${i}]`;
    if (!rules.identityTypes.includes(identity.identity_type))
      throw badRequest(
        `${field}.identity_type`,
        `${field}.identity_type ${identity.identity_type} is not one this processor takes (it takes ${rules.identityTypes.join(', ')})`,
      );
    if (identity.identity_format !== 'raw')
      throw badRequest(
        `${field}.identity_format`,
        `${field}.identity_format must be raw: Mixpanel deletes by distinct id, which a ${identity.identity_format} hash cannot give back`,
      );
    ids.add(distinctId(identity.identity_value, `${field}.identity_value`));
  }
  const extension = extensionOf(body, rules);
  for (const [i, id] of (extension.distinct_ids ?? []).entries())
    ids.add(distinctId(id, `${extensionField(rules, 'distinct_ids')}[${i}]`));
  if (ids.size === 0)
    throw badRequest(
      'subject_identities',
      `subject_identities is required unless this processor's extension (extensions["${rules.domain}"].distinct_ids) lists distinct ids`,
    );
  return {
    kind: body.subject_request_type === 'erasure' ? 'erasure' : 'access',
    regulation: body.regulation === 'ccpa' ? 'CCPA' : 'GDPR',
    receivedAt: Date.parse(body.submitted_time),
    ids: [...ids],
    projects: extension.projects ?? [...rules.projects],
  };
}

function distinctId(value: unknown, field: string): string {
  const id = typeof value === 'string' ? value.trim() : '';
  if (!DISTINCT_ID.test(id))
    throw badRequest(
      field,
      `${field} is not a usable Mixpanel distinct id (1 to 255 characters, not only spaces, no control characters)`,
    );
  return id;
}

function extensionField(rules: OpendsrIntakeRules, key?: string): string {
  return `extensions["${rules.domain}"]${key ? `.${key}` : ''}`;
}

/** This processor's extension, checked: other processors' are not ours to read. */
function extensionOf(
  body: OpendsrRequestBody,
  rules: OpendsrIntakeRules,
): { projects?: string[]; distinct_ids?: unknown[] } {
  const extension = body.extensions?.[rules.domain];
  if (extension === undefined) return {};
  const field = extensionField(rules);
  const unknown = Object.keys(extension).find((k) => !EXTENSION_KEYS.includes(k));
  if (unknown !== undefined)
    throw badRequest(
      `${field}.${unknown}`,
      `${field}.${unknown} is not a field of this processor's extension (it has ${EXTENSION_KEYS.join(', ')})`,
    );
  const { projects, distinct_ids } = extension as { projects?: unknown; distinct_ids?: unknown };
  if (distinct_ids !== undefined && (!Array.isArray(distinct_ids) || distinct_ids.length > 10_000))
    throw badRequest(`${field}.distinct_ids`, `${field}.distinct_ids must be an array of at most 10000 distinct ids`);
  if (projects === undefined) return { ...(distinct_ids !== undefined && { distinct_ids }) };
  if (!Array.isArray(projects) || projects.length === 0)
    throw badRequest(`${field}.projects`, `${field}.projects must name at least one configured project`);
  for (const [i, project] of projects.entries())
    if (typeof project !== 'string' || !rules.projects.includes(project))
      throw badRequest(
        `${field}.projects[${i}]`,
        `${field}.projects[${i}] ${JSON.stringify(project)} is not a configured project (configured: ${rules.projects.join(', ')})`,
        project,
      );
  return { projects: [...new Set(projects as string[])], ...(distinct_ids !== undefined && { distinct_ids }) };
}
