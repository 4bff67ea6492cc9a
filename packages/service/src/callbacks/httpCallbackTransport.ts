import http from 'node:http';
import https from 'node:https';
import { assertCallbackUrl } from './assertCallbackUrl.js';
import { CALLBACK_DEFAULTS } from './CALLBACK_DEFAULTS.js';
import type { CallbackTransport } from './CallbackTransport.js';
import type { CallbackUrlPolicy } from './CallbackUrlPolicy.js';
import { callbackGuard, type ResolveHost } from './callbackGuard.js';

export interface HttpCallbackTransportOptions {
  /** Where callbacks may go; checked again on every send (the policy may be stricter now than at intake). */
  policy: CallbackUrlPolicy;
  /** Resolves host names. @default node:dns lookup (all addresses) */
  resolve?: ResolveHost | undefined;
  /** @default CALLBACK_DEFAULTS.maxResponseBytes */
  maxResponseBytes?: number | undefined;
}

/**
 * The transport of real callbacks, on node:http(s) rather than fetch: only
 * there can `lookup` be replaced, and that is where forbidden addresses are
 * refused (`callbackGuard`). No agent: every callback gets its own
 * connection, checked on its own, and nothing is kept open between rounds.
 */
export function httpCallbackTransport(options: HttpCallbackTransportOptions): CallbackTransport {
  const { policy } = options;
  const lookup = callbackGuard(policy, options.resolve);
  const maxResponseBytes = options.maxResponseBytes ?? CALLBACK_DEFAULTS.maxResponseBytes;
  return (request) =>
    new Promise((resolve, reject) => {
      // IP literals never reach `lookup`: they are checked here.
      const url = assertCallbackUrl(request.url, policy);
      const send = url.protocol === 'https:' ? https.request : http.request;
      const body = Buffer.from(request.body);
      const outgoing = send(
        url,
        {
          method: 'POST',
          headers: { ...request.headers, 'Content-Length': String(body.length) },
          agent: false,
          lookup,
        },
        (response) => {
          const status = response.statusCode ?? 0;
          const answered = () => {
            clearTimeout(timer);
            resolve({ status });
          };
          let bytes = 0;
          response.on('data', (chunk: Buffer) => {
            if ((bytes += chunk.length) > maxResponseBytes) response.destroy();
          });
          // Once the status is in, a body cut short (by us or by the receiver) changes nothing.
          response.on('end', answered);
          response.on('close', answered);
          response.on('error', answered);
        },
      );
      const timer = setTimeout(
        () => outgoing.destroy(new Error(`no answer within ${request.timeoutMs} ms`)),
        request.timeoutMs,
      );
      outgoing.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      outgoing.end(body);
    });
}
