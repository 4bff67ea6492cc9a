import { createHash } from 'node:crypto';
import type { CallbackProtocol } from './outboxTypes.js';

/** What makes a callback the one it is; the same parts give the same id in every process. */
export interface CallbackKey {
  requestId: string;
  protocol: CallbackProtocol;
  event: string;
  /** The receiver, for protocols with several per request (OpenDSR's `status_callback_urls`). */
  url?: string | undefined;
  /** How many callbacks of this request, protocol, event and url were queued before: 0 for the first. */
  seq: number;
}

/**
 * A deterministic callback id (`cb-` and 24 hex digits of a SHA-256), so
 * two service processes queueing the same callback at once compute the same
 * id and the store refuses the second (`LedgerConflictError`). The id is
 * also the event's `id`, which receivers deduplicate on.
 */
export function callbackIdOf(key: CallbackKey): string {
  const parts = [key.requestId, key.protocol, key.event, key.url ?? '', key.seq];
  return `cb-${createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 24)}`;
}
