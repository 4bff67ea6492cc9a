import { isLoopbackHost } from './isLoopbackHost.js';
import { ServiceClientError } from './ServiceClientError.js';

/** An absolute https URL, or http on loopback; no credentials, query or fragment. Trailing slashes dropped. */
export function validateBaseUrl(value: unknown): string {
  const url = typeof value === 'string' && URL.canParse(value) ? new URL(value) : undefined;
  if (!url || !/^https?:$/.test(url.protocol))
    throw new ServiceClientError('baseUrl', `baseUrl must be an absolute http(s) URL (got ${shown(value)})`);
  // The API key would cross the network in clear.
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname))
    throw new ServiceClientError(
      'baseUrl',
      `baseUrl must use https: plain http is allowed only on loopback (got ${url.origin})`,
    );
  // The value is not shown: it may hold a password.
  if (url.username || url.password || url.search || url.hash)
    throw new ServiceClientError(
      'baseUrl',
      `baseUrl must not carry credentials, a query or a fragment (got ${url.origin}${url.pathname})`,
    );
  return url.toString().replace(/\/+$/, '');
}

/** An API key, or a session's CSRF token: exactly one. Their values are never shown. */
export function validateCredential(options: {
  apiKey?: unknown;
  session?: { csrfToken?: unknown } | undefined;
}): { apiKey: string } | { csrfToken: string } {
  if (options.apiKey !== undefined && options.session !== undefined)
    throw new ServiceClientError('session', 'give apiKey or session, not both (a key call ignores the session)');
  if (options.session === undefined) return { apiKey: validateApiKey(options.apiKey) };
  const token = options.session?.csrfToken;
  if (typeof token === 'string' && /^[A-Za-z0-9_-]{43}$/.test(token)) return { csrfToken: token };
  throw new ServiceClientError(
    'session.csrfToken',
    "session.csrfToken must be the session's CSRF token (43 base64url characters)",
  );
}

/** A non-empty, header-safe string. Its value is never shown. */
export function validateApiKey(value: unknown): string {
  if (typeof value === 'string' && value.trim() && !/[\s\u0000-\u001f\u007f-\uffff]/.test(value)) return value;
  const got = typeof value === 'string' ? 'value hidden' : String(value);
  throw new ServiceClientError(
    'apiKey',
    `apiKey must be a non-empty string of printable ASCII without spaces (got ${got})`,
  );
}

function shown(value: unknown): string {
  if (typeof value !== 'string') return String(value);
  // Cut before any '@': what precedes it may be a password.
  const safe = value.includes('@') ? '(a URL with credentials)' : value;
  return JSON.stringify(safe.slice(0, 80));
}
