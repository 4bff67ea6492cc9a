import type { Ledger, RequestDesk } from '@mixpanel-gdpr/workflow';
import { CALLBACK_DEFAULTS } from './callbacks/CALLBACK_DEFAULTS.js';
import type { CallbackUrlPolicy } from './callbacks/CallbackUrlPolicy.js';
import { deliverCallbacks } from './callbacks/deliverCallbacks.js';
import { queueCallbacks } from './callbacks/queueCallbacks.js';
import type { CallbackLogger } from './callbacks/resolveDeliveryOptions.js';
import type { OpendsrCallbacks } from './opendsr/opendsrCallbacks.js';
import { serviceState } from './views/serviceState.js';
import { toServiceRequest } from './views/toServiceRequest.js';

export interface RunCallbacksOptions {
  ledger: Ledger;
  desk: RequestDesk;
  /** The signing secret(s) of `Mixpanel-Gdpr-Signature` (the current first). */
  secret: string | readonly string[];
  policy: CallbackUrlPolicy;
  signal: AbortSignal;
  logger?: CallbackLogger;
  /** OpenDSR status callbacks (`opendsrCallbacks(signer)`). Absent: OpenDSR requests get none. */
  opendsr?: OpendsrCallbacks;
  now?: () => number;
}

/**
 * The outbox at work in this process: the producer queues what requests
 * are owed (on every pass: at risk and overdue come with time), the
 * deliverer sends what is due. Several service processes may run it on one
 * store: ids are deterministic and attempts are taken, so each callback is
 * queued once and each attempt sent once. Settles once `signal` aborts.
 */
export async function runCallbacks(options: RunCallbacksOptions): Promise<void> {
  const { ledger, desk, signal } = options;
  const now = options.now ?? Date.now;
  const produce = async () => {
    while (!signal.aborted) {
      try {
        await ledger.refresh();
        await queueCallbacks({
          ledger,
          now,
          describe(request) {
            const { progress, health } = desk.view(request);
            return {
              state: serviceState(progress.stage),
              atRisk: health.atRisk,
              overdue: health.overdue,
              extended: request.extension !== undefined,
            };
          },
          bodyOf: (request) => toServiceRequest(desk.view(request)),
          ...(options.opendsr && { opendsrBodyOf: options.opendsr.bodyOf, opendsrStatusOf: options.opendsr.statusOf }),
        });
      } catch (error) {
        options.logger?.error({ err: (error as Error).message }, 'callbacks: queueing failed; trying again');
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, CALLBACK_DEFAULTS.idleMs);
        signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
      });
    }
  };
  await Promise.all([
    produce(),
    deliverCallbacks({
      ledger,
      secret: options.secret,
      policy: options.policy,
      signal,
      now,
      ...(options.logger && { logger: options.logger }),
      ...(options.opendsr && { signOpendsr: options.opendsr.sign }),
    }),
  ]);
}
