import { CLIENT_DEFAULTS } from '@mixpanel-gdpr/client';
import { type Ledger, LedgerConflictError } from '@mixpanel-gdpr/workflow';
import { CALLBACK_DEFAULTS } from './CALLBACK_DEFAULTS.js';
import type { CallbackSources } from './CallbackSources.js';
import { plannedCallbacks } from './plannedCallbacks.js';

export interface QueueCallbacksOptions extends CallbackSources {
  ledger: Pick<Ledger, 'state' | 'append' | 'refresh'>;
  /** @default CLIENT_DEFAULTS.now (Date.now) */
  now?: (() => number) | undefined;
  /** The state a request has when received: no callback until it leaves it. @default CALLBACK_DEFAULTS.initialState */
  initialState?: string | undefined;
}

export interface QueueCallbacksResult {
  /** Callbacks appended to the outbox. */
  queued: number;
  /** Appends refused because another process queued first (its callbacks stand; ours were recomputed). */
  conflicts: number;
}

/** Times one request's callbacks are recomputed after a conflict in one pass; the next pass tries again. */
const MAX_TRIES = 3;

/**
 * The outbox's producer: one pass over the requests, appending the
 * `callback.queued` records each is owed (see `plannedCallbacks`), one
 * append per request. Callback ids are deterministic, so when two service
 * processes run this at once the store refuses the second append of the
 * same callback; the loser takes in what the winner wrote and plans again.
 * Call it after anything that may change a request (and periodically: at
 * risk and overdue come with time).
 */
export async function queueCallbacks(options: QueueCallbacksOptions): Promise<QueueCallbacksResult> {
  const { ledger } = options;
  const now = options.now ?? CLIENT_DEFAULTS.now;
  const initialState = options.initialState ?? CALLBACK_DEFAULTS.initialState;
  const result: QueueCallbacksResult = { queued: 0, conflicts: 0 };
  const wanted = [...ledger.state.requests.values()]
    .filter(
      (r) => r.callbackUrl !== undefined || (options.opendsrBodyOf && r.intake?.opendsr?.statusCallbackUrls.length),
    )
    .map((r) => r.requestId);
  for (const requestId of wanted) {
    for (let tries = 1; ; tries++) {
      const request = ledger.state.requests.get(requestId);
      if (!request) break;
      const records = plannedCallbacks({
        request,
        described: options.describe(request),
        callbacks: ledger.state.callbacks,
        sources: options,
        initialState,
        now: now(),
      });
      if (records.length === 0) break;
      try {
        await ledger.append(...records);
        result.queued += records.length;
        break;
      } catch (error) {
        if (!(error instanceof LedgerConflictError)) throw error;
        result.conflicts++;
        await ledger.refresh();
        if (tries === MAX_TRIES) break;
      }
    }
  }
  return result;
}
