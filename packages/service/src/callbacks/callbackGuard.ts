import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import type { CallbackUrlPolicy } from './CallbackUrlPolicy.js';
import { forbiddenRangeOf } from './forbiddenRangeOf.js';

/** Resolves a host name to all its addresses (a seam: tests point names anywhere). */
export type ResolveHost = (hostname: string) => Promise<LookupAddress[]>;

/** The connection was refused before it was made: the host resolves to an address the policy forbids. */
export class CallbackAddressError extends Error {
  override name = 'CallbackAddressError';
  readonly code = 'ECALLBACKADDRESS';
}

const systemResolve: ResolveHost = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    ),
  );

/**
 * A `lookup` for `http.request` / `https.request` that refuses a host with
 * any forbidden address. Node connects to what `lookup` returns, so the
 * check is on the address actually connected to: a name that resolved to a
 * public address at intake and to 127.0.0.1 now (DNS rebinding) is refused
 * here. All addresses are checked, not just the first, because Node may
 * try the others (happy eyeballs). IP literals never reach `lookup`: the
 * sender checks them itself (`assertCallbackUrl`).
 */
export function callbackGuard(policy: CallbackUrlPolicy, resolve: ResolveHost = systemResolve): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (all) => {
        const addresses =
          options.family === 4 || options.family === 6 ? all.filter((a) => a.family === options.family) : all;
        if (addresses.length === 0) {
          const error = Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' });
          return callback(error, '', 0);
        }
        for (const { address } of addresses) {
          const range = forbiddenRangeOf(address, policy);
          if (range)
            return callback(
              new CallbackAddressError(`${hostname} resolves to ${address} (${range}), not a public address`),
              '',
              0,
            );
        }
        if (options.all) return (callback as (e: null, a: LookupAddress[]) => void)(null, addresses);
        callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
}
