import { ValidationError } from '@mixpanel-gdpr/client';
import { type CallbackUrlPolicy, isAllowedHost } from './CallbackUrlPolicy.js';
import { forbiddenRangeOf, ipLiteralOf } from './forbiddenRangeOf.js';
import { showUrl } from './showUrl.js';

/** `localhost` and its subdomains are loopback by definition (RFC 6761), whatever a resolver says. */
const LOOPBACK_NAME = /^(.+\.)?localhost\.?$/;

/**
 * Refuses a callback URL the service must not POST to, before anything is
 * stored: not https (http only to loopback, when the policy allows it),
 * userinfo in it, a host the policy does not list, or an IP literal (or
 * `localhost`) in a forbidden range. Names are not resolved here: a name
 * may resolve elsewhere by the time a callback is sent, so the address
 * actually connected to is checked again then (`callbackGuard`).
 *
 * Messages name `field` and show the URL without its query string.
 */
export function assertCallbackUrl(url: string, policy: CallbackUrlPolicy, field = 'callbackUrl'): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ValidationError(field, `${field} is not an absolute URL`);
  }
  const shown = showUrl(parsed);
  const refuse = (why: string): never => {
    throw new ValidationError(field, `${field} ${shown} is refused: ${why}`);
  };
  const host = parsed.hostname;
  const literal = ipLiteralOf(host);
  const loopbackName = LOOPBACK_NAME.test(host);
  const isLoopback = loopbackName || (literal !== undefined && forbiddenRangeOf(literal, {}) === 'loopback');
  if (parsed.protocol === 'http:') {
    if (policy.allowHttp !== 'loopback') refuse('callbacks must use https');
    if (!isLoopback) refuse('plain http is allowed only to loopback hosts; use https');
  } else if (parsed.protocol !== 'https:') refuse(`callbacks must use https, not ${parsed.protocol.slice(0, -1)}`);
  if (parsed.username || parsed.password)
    refuse('credentials in the URL (user:password@) are not allowed; put a token in the query string instead');
  if (!isAllowedHost(literal ?? host, policy)) refuse(`host ${host} is not one the service may call back`);
  const range = literal !== undefined ? forbiddenRangeOf(literal, policy) : undefined;
  if (range) refuse(`address ${host} is ${range}, not a public address`);
  if (loopbackName && !policy.allowPrivate) refuse(`${host} is a loopback host, not a public address`);
  return parsed;
}
