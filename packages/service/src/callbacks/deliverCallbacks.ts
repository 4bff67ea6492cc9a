import { deliverRound } from './deliverDueCallbacks.js';
import { type DeliverCallbacksOptions, resolveDeliveryOptions } from './resolveDeliveryOptions.js';

/**
 * The outbox's deliverer: rounds of `deliverDueCallbacks` until `signal`
 * aborts, sleeping between them until the next callback is due (at most
 * `idleMs`, to notice callbacks queued by other processes). On abort it
 * stops taking callbacks and returns once the round in progress has
 * recorded its outcomes (each POST ends within `timeoutMs`): a graceful
 * shutdown loses nothing, and a killed process leaves attempts that other
 * processes retake after their `until`.
 */
export async function deliverCallbacks(options: DeliverCallbacksOptions & { signal: AbortSignal }): Promise<void> {
  const o = resolveDeliveryOptions(options);
  const { signal } = options;
  while (!signal.aborted) {
    let waitMs = o.idleMs;
    try {
      const round = await deliverRound(o);
      if (round.full) continue;
      if (round.nextDueAt !== undefined) waitMs = Math.min(o.idleMs, Math.max(0, round.nextDueAt - o.now()));
      // Due yet not taken (another process holds it): the next look is an idle wait away, not a busy loop.
      if (waitMs === 0 && round.outcomes.length === 0) waitMs = o.idleMs;
    } catch (error) {
      // The store may be briefly unreachable; the loop outlives that and tries again after a pause.
      o.logger?.error({ error: error instanceof Error ? error.message : String(error) }, 'callback round failed');
    }
    if (waitMs > 0) await o.sleep(waitMs, signal).catch(() => undefined);
  }
}
