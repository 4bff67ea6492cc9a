import ipaddr from 'ipaddr.js';
import type { CallbackUrlPolicy } from './CallbackUrlPolicy.js';

/**
 * The ipaddr.js range that forbids sending to `address` under `policy`, or
 * undefined when it is allowed. Only `unicast` (ipaddr.js's name for "in no
 * special range": a public address) is allowed without `allowPrivate`: an
 * allow-list, so a range ipaddr.js adds later is refused, not let through.
 * That also refuses NAT64, 6to4 and Teredo addresses, which embed an IPv4
 * address that may be a private one. An IPv4-mapped IPv6 address
 * (`::ffff:10.0.0.1`) is judged as the IPv4 address it maps.
 */
export function forbiddenRangeOf(address: string, policy: CallbackUrlPolicy): string | undefined {
  if (policy.allowPrivate) return undefined;
  if (!ipaddr.isValid(address)) return 'not an IP address';
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress())
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  const range = parsed.range();
  return range === 'unicast' ? undefined : range;
}

/** `address` without IPv6 brackets (`URL.hostname` keeps them), or undefined when it is not an IP literal. */
export function ipLiteralOf(hostname: string): string | undefined {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return ipaddr.isValid(bare) && (bare.includes(':') || ipaddr.IPv4.isValidFourPartDecimal(bare)) ? bare : undefined;
}
