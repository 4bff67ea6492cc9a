import type { components } from '@mixpanel-gdpr/service-client/schema';

export type OpendsrError = components['schemas']['OpenDsrError'];

/** The service's `application/problem+json` body, as `createService` sends it. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors: Array<{ field: string; message: string; value?: unknown }>;
}

const PROBLEM_TYPE = 'urn:mixpanel-gdpr:problem:';

export function isProblemBody(payload: unknown): payload is ProblemBody {
  const p = payload as Partial<ProblemBody> | null;
  return (
    typeof p === 'object' &&
    p !== null &&
    typeof p.type === 'string' &&
    p.type.startsWith(PROBLEM_TYPE) &&
    typeof p.status === 'number' &&
    Array.isArray(p.errors)
  );
}

/**
 * A problem as the protocol's error object (sections 7.5, 7.6): `code` the
 * HTTP status, `message` the problem's detail, one `{domain, reason,
 * message}` per field at fault, where `domain` is the problem's type
 * (`validation`, `state`, …) and `reason` the field. Values are dropped:
 * an error must never carry an identity.
 */
export function opendsrErrorOf(problem: ProblemBody): OpendsrError {
  const domain = problem.type.slice(PROBLEM_TYPE.length);
  return {
    error: {
      code: problem.status,
      message: problem.detail,
      errors: problem.errors.map((e) => ({ domain, reason: reasonOf(e.field), message: e.message })),
    },
  };
}

/**
 * The protocol's `reason` names a field as its own examples do
 * (`subject_identities[0].identity_value`), not as a JSON Pointer.
 */
function reasonOf(field: string): string {
  if (!field.startsWith('/')) return field;
  let path = '';
  for (const part of field.slice(1).split('/')) {
    const name = part.replace(/~1/g, '/').replace(/~0/g, '~');
    path += /^\d+$/.test(name) ? `[${name}]` : path ? `.${name}` : name;
  }
  return path;
}
