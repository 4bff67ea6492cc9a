import { createHash, createHmac } from 'node:crypto';

/** How a distinct id replaced by a purge starts. */
export const KEYED_ID_PREFIX = 'hmac-sha256:';
/** A shorter key could be guessed; 32 bytes is SHA-256's own strength. */
export const PURGE_KEY_MIN_BYTES = 32;

/**
 * What a purge stores instead of a distinct id: an HMAC under a key the
 * operator holds. Without the key, the ledger no longer tells whose ids it
 * held (a plain hash of an email or a user id is a dictionary attack away);
 * with it, `keyedId(key, id)` finds the id's records again.
 */
export function keyedId(key: Uint8Array, id: string): string {
  return KEYED_ID_PREFIX + createHmac('sha256', key).update(id).digest('hex');
}

/** Whether `id` was already replaced by a purge (purging twice changes nothing). */
export function isKeyedId(id: string): boolean {
  return id.startsWith(KEYED_ID_PREFIX);
}

/**
 * Names a key without revealing it: recorded by each purge, so the holder of
 * several keys knows which one answers lookups for which purge. Domain-
 * separated, so it is not the hash of the key used anywhere else.
 */
export function keyFingerprint(key: Uint8Array): string {
  return createHash('sha256').update('mixpanel-gdpr-purge-key:').update(key).digest('hex').slice(0, 16);
}
