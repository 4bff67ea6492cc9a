import { createRedactor } from './createRedactor.js';
import { parsedBody } from './parsedBody.js';
import type { Session } from './schema.js';
import { toServiceProblemError } from './toServiceProblemError.js';
import { validateBaseUrl } from './validateOptions.js';

export interface SessionEndpointOptions {
  /** The service's URL (in the dashboard, `location.origin`). */
  baseUrl: string;
  fetch?: typeof fetch | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * `/v1/session` before there is a client to call it with (no session yet):
 * `POST` with the key to sign in, `GET` to find the session a cookie holds
 * (undefined when it holds none: 401). The cookie goes to this origin only;
 * a refusal is a ServiceProblemError without the key.
 */
export async function callSessionEndpoint(
  options: SessionEndpointOptions,
  method: 'GET' | 'POST',
  apiKey?: string,
): Promise<Session | undefined> {
  const baseUrl = validateBaseUrl(options.baseUrl);
  const accept = 'application/json, application/problem+json';
  const response = await (options.fetch ?? globalThis.fetch)(`${baseUrl}/v1/session`, {
    method,
    headers: apiKey === undefined ? { Accept: accept } : { 'Content-Type': 'application/json', Accept: accept },
    ...(apiKey !== undefined && { body: JSON.stringify({ apiKey }) }),
    credentials: 'same-origin',
    ...(options.signal && { signal: options.signal }),
  });
  if (method === 'GET' && response.status === 401) return undefined;
  const body = parsedBody(await response.text());
  if (!response.ok)
    throw toServiceProblemError(response, body, { method, path: '/v1/session' }, createRedactor(apiKey ?? ''));
  return body as Session;
}
