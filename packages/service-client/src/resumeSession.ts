import { createRedactor } from './createRedactor.js';
import { parsedBody } from './parsedBody.js';
import type { Session } from './schema.js';
import { toServiceProblemError } from './toServiceProblemError.js';
import { validateBaseUrl } from './validateOptions.js';

export interface ResumeSessionOptions {
  /** The service's URL (in the dashboard, `location.origin`). */
  baseUrl: string;
  fetch?: typeof fetch | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * The session this browser is signed in with (its cookie is HttpOnly, so a
 * reloaded page asks), or undefined when there is none or it ended. Make a
 * session client with the answer's CSRF token.
 */
export async function resumeSession(options: ResumeSessionOptions): Promise<Session | undefined> {
  const baseUrl = validateBaseUrl(options.baseUrl);
  const response = await (options.fetch ?? globalThis.fetch)(`${baseUrl}/v1/session`, {
    headers: { Accept: 'application/json, application/problem+json' },
    credentials: 'same-origin',
    ...(options.signal && { signal: options.signal }),
  });
  if (response.status === 401) return undefined;
  const body = parsedBody(await response.text());
  if (!response.ok)
    throw toServiceProblemError(response, body, { method: 'GET', path: '/v1/session' }, createRedactor(''));
  return body as Session;
}
