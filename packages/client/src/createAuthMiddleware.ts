import type { Middleware } from 'openapi-fetch';
import type { ResolvedOptions } from './resolveOptions.js';
import { validateTaskId } from './validate.js';

/**
 * Adds credentials to requests for the configured API origin only: a
 * per-request `baseUrl` pointing elsewhere gets neither the bearer token nor
 * the project token. Also refuses a task id that could change the path,
 * for the raw client as much as for the friendly methods.
 */
export function createAuthMiddleware(o: ResolvedOptions): Middleware {
  const origin = new URL(o.baseUrl).origin;
  return {
    async onRequest({ request, params }) {
      const taskId = (params.path as Record<string, unknown> | undefined)?.taskId;
      if (taskId !== undefined) validateTaskId(taskId);
      // String checks first: this runs on every request, and URL parsing is the slow part.
      if (!request.url.startsWith(`${origin}/`)) return undefined;
      request.headers.set('Authorization', `Bearer ${o.oauthToken}`);
      request.headers.set('User-Agent', o.userAgent);
      if (!request.headers.has('Accept')) request.headers.set('Accept', 'application/json');
      if (/[?&]token=[^&]/.test(request.url)) return request;
      const url = new URL(request.url);
      url.searchParams.set('token', o.projectToken);
      const body = request.body ? await request.arrayBuffer() : undefined;
      return new Request(url, { method: request.method, headers: request.headers, body, signal: request.signal });
    },
  };
}
