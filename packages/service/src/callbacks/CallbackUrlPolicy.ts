/**
 * Where callbacks may go, from the service's configuration. The default
 * (`{}`) is the strict one: https to any public address, nothing else.
 */
export interface CallbackUrlPolicy {
  /**
   * Hosts callbacks may go to: exact names (`hooks.example.com`) or one
   * leading wildcard label (`*.example.com`, any subdomain, not the name
   * itself). Absent or empty: any host. A listed host must still resolve to
   * an allowed address.
   * @default undefined (any host)
   */
  allowHosts?: readonly string[] | undefined;
  /**
   * Allows private, loopback, link-local, unique-local, CGNAT, multicast,
   * unspecified and other non-public addresses. For tests and closed
   * networks only: it lets anyone who may file a request make the service
   * POST into its own network.
   * @default false
   */
  allowPrivate?: boolean | undefined;
  /**
   * `'loopback'`: plain http is allowed to `localhost`, 127.0.0.0/8 and
   * [::1] (the body and signature stay on the machine). Loopback addresses
   * still need `allowPrivate`.
   * @default false (https only)
   */
  allowHttp?: 'loopback' | false | undefined;
}

const HOST_PATTERN = /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

/** Checks a policy from configuration once, with messages naming the option and the bad value. */
export function validateCallbackUrlPolicy(policy: CallbackUrlPolicy): CallbackUrlPolicy {
  const { allowHosts, allowPrivate, allowHttp } = policy;
  if (allowHosts !== undefined) {
    if (!Array.isArray(allowHosts)) throw new TypeError('callbacks.allowHosts must be an array of host names');
    for (const [i, host] of allowHosts.entries())
      if (typeof host !== 'string' || !HOST_PATTERN.test(host))
        throw new TypeError(
          `callbacks.allowHosts[${i}] must be a lower-case host name or *.domain, got ${JSON.stringify(host)}`,
        );
  }
  if (allowPrivate !== undefined && typeof allowPrivate !== 'boolean')
    throw new TypeError(`callbacks.allowPrivate must be true or false, got ${JSON.stringify(allowPrivate)}`);
  if (allowHttp !== undefined && allowHttp !== false && allowHttp !== 'loopback')
    throw new TypeError(`callbacks.allowHttp must be 'loopback' or false, got ${JSON.stringify(allowHttp)}`);
  return policy;
}

/** Whether `hostname` (lower case, as `URL` gives it) is one the policy's `allowHosts` lists. */
export function isAllowedHost(hostname: string, policy: CallbackUrlPolicy): boolean {
  const hosts = policy.allowHosts;
  if (!hosts || hosts.length === 0) return true;
  const name = hostname.replace(/\.$/, '');
  return hosts.some((host) =>
    host.startsWith('*.') ? name.endsWith(host.slice(1)) && name.length > host.length - 1 : name === host,
  );
}
