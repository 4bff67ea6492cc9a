import { deliverCallback } from './deliverCallback.js';
import type { CallbackState } from './outboxTypes.js';
import {
  type DeliverCallbacksOptions,
  type DeliveryOutcome,
  type ResolvedDeliveryOptions,
  resolveDeliveryOptions,
} from './resolveDeliveryOptions.js';

export interface DeliveryRound {
  /** One per callback taken up this round. */
  outcomes: DeliveryOutcome[];
  /** The round took `maxPerRound` callbacks: more may be due now. */
  full: boolean;
  /** The earliest `nextAt` of a pending callback after the round, epoch ms; undefined when none is pending. */
  nextDueAt: number | undefined;
}

/** One round of the deliverer (tests, cron-like callers): takes in others' records, sends what is due. */
export function deliverDueCallbacks(options: DeliverCallbacksOptions): Promise<DeliveryRound> {
  return deliverRound(resolveDeliveryOptions(options));
}

/**
 * Sends the due callbacks (pending, `nextAt` reached: never tried, retry
 * time come, or last attempt counted as lost), earliest first, at most
 * `maxPerRound` at once.
 */
export async function deliverRound(o: ResolvedDeliveryOptions): Promise<DeliveryRound> {
  await o.ledger.refresh();
  const now = o.now();
  const due = sendable(o)
    .filter((cb) => cb.nextAt <= now)
    .sort((a, b) => a.nextAt - b.nextAt)
    .slice(0, o.maxPerRound);
  const outcomes = await Promise.all(due.map((cb) => deliverCallback(o, cb)));
  let nextDueAt: number | undefined;
  for (const cb of sendable(o)) if (nextDueAt === undefined || cb.nextAt < nextDueAt) nextDueAt = cb.nextAt;
  return { outcomes, full: due.length === o.maxPerRound, nextDueAt };
}

/** Pending callbacks of a protocol this deliverer can sign. */
function sendable(o: ResolvedDeliveryOptions): CallbackState[] {
  const out: CallbackState[] = [];
  for (const cb of o.ledger.state.callbacks.values())
    if (cb.status === 'pending' && cb.body !== undefined && o.protocols.has(cb.protocol)) out.push(cb);
  return out;
}
