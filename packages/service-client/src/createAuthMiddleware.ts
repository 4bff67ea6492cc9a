import type { Middleware } from 'openapi-fetch';
import { ServiceClientError } from './ServiceClientError.js';

/**
 * Adds the key (or a session's CSRF token) to requests for the configured origin only: a per-request
 * `baseUrl` pointing elsewhere does not get it. Also refuses a path
 * parameter that would change the path: openapi-fetch encodes `/` but not
 * `.` and `..`, so a request id of `..` would reach the parent resource.
 */
export function createAuthMiddleware(
  baseUrl: string,
  credential: { apiKey: string } | { csrfToken: string },
): Middleware {
  const origin = new URL(baseUrl).origin;
  return {
    onRequest({ request, params }) {
      for (const [name, value] of Object.entries((params.path ?? {}) as Record<string, unknown>))
        if (value === '' || value === '.' || value === '..')
          throw new ServiceClientError(name, `${name} must not be empty, "." or ".." (got ${JSON.stringify(value)})`);
      // String check: a request to another origin must never carry the key.
      if (!request.url.startsWith(`${origin}/`)) return undefined;
      if ('apiKey' in credential) request.headers.set('Authorization', `Bearer ${credential.apiKey}`);
      // The cookie alone must never change anything: the service wants this token too (CSRF).
      else if (request.method !== 'GET' && request.method !== 'HEAD')
        request.headers.set('X-CSRF-Token', credential.csrfToken);
      if (!request.headers.has('Accept')) request.headers.set('Accept', 'application/json, application/problem+json');
      return request;
    },
  };
}
