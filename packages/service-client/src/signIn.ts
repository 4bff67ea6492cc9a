import { createRedactor } from './createRedactor.js';
import { parsedBody } from './parsedBody.js';
import type { Session } from './schema.js';
import { toServiceProblemError } from './toServiceProblemError.js';
import { validateApiKey, validateBaseUrl } from './validateOptions.js';

export interface SignInOptions {
  /** The service's URL (in the dashboard, `location.origin`). */
  baseUrl: string;
  apiKey: string;
  fetch?: typeof fetch | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * Trades an API key for a dashboard session: the service sets its HttpOnly
 * cookie, and the answer carries the CSRF token a session client sends with
 * every change (`createServiceClient({ baseUrl, session })`). The key is not
 * kept anywhere by this function.
 */
export async function signIn(options: SignInOptions): Promise<Session> {
  const baseUrl = validateBaseUrl(options.baseUrl);
  const apiKey = validateApiKey(options.apiKey);
  const response = await (options.fetch ?? globalThis.fetch)(`${baseUrl}/v1/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json, application/problem+json' },
    body: JSON.stringify({ apiKey }),
    credentials: 'same-origin',
    ...(options.signal && { signal: options.signal }),
  });
  const body = parsedBody(await response.text());
  if (!response.ok)
    throw toServiceProblemError(response, body, { method: 'POST', path: '/v1/session' }, createRedactor(apiKey));
  return body as Session;
}
