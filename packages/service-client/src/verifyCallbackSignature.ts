import type { CallbackEvent } from './schema.js';
import { hmacKey, signedBytes } from './signCallback.js';

export interface VerifyCallbackOptions {
  /** The body exactly as received, before any parsing: the signature covers these bytes. */
  body: string | Uint8Array;
  /** The `Mixpanel-Gdpr-Signature` header. */
  signature: string | null | undefined;
  /** The callback secret shared with the service's operator. */
  secret: string;
  /** Largest distance between the signature's time and now, in ms. @default 300_000 (5 minutes) */
  toleranceMs?: number | undefined;
  /** @default Date.now */
  now?: (() => number) | undefined;
}

/** The callback's signature is missing, malformed, wrong or too old: answer 400 or 401 and ignore the body. */
export class CallbackSignatureError extends Error {
  override name = 'CallbackSignatureError';
}

const DEFAULT_TOLERANCE_MS = 300_000;

/**
 * Checks a callback's signature and returns its parsed event. Accepts any
 * `v1` that matches (two are sent while the secret is rotated), compared by
 * Web Crypto's `verify` (constant time). A timestamp further than the
 * tolerance from now is refused: a recorded callback cannot be replayed
 * later. Receivers still deduplicate on `event.id` (retries resend it).
 */
export async function verifyCallbackSignature(o: VerifyCallbackOptions): Promise<CallbackEvent> {
  const { t, v1 } = parseSignature(o.signature);
  const nowMs = (o.now ?? Date.now)();
  const toleranceMs = o.toleranceMs ?? DEFAULT_TOLERANCE_MS;
  if (Math.abs(nowMs - t * 1000) > toleranceMs)
    throw new CallbackSignatureError(
      `the signature's time (t=${t}) is more than ${toleranceMs} ms from now: a replay, or a clock off`,
    );
  const key = await hmacKey(o.secret, 'verify');
  const data = signedBytes(t, o.body);
  for (const hex of v1) {
    const mac = Uint8Array.from(hex.match(/../g)!, (h) => Number.parseInt(h, 16));
    if (await crypto.subtle.verify('HMAC', key, mac, data)) {
      const text = typeof o.body === 'string' ? o.body : new TextDecoder().decode(o.body);
      return JSON.parse(text) as CallbackEvent;
    }
  }
  throw new CallbackSignatureError('no v1 signature matches the body: a wrong secret, or a changed body');
}

function parseSignature(header: string | null | undefined): { t: number; v1: string[] } {
  if (!header) throw new CallbackSignatureError('the Mixpanel-Gdpr-Signature header is missing');
  let t: number | undefined;
  const v1: string[] = [];
  for (const part of header.split(',')) {
    const [name, value = ''] = part.trim().split('=', 2) as [string, string?];
    if (name === 't' && /^\d{1,12}$/.test(value)) t = Number(value);
    else if (name === 'v1' && /^[0-9a-f]{64}$/.test(value)) v1.push(value);
  }
  if (t === undefined || v1.length === 0)
    throw new CallbackSignatureError('the Mixpanel-Gdpr-Signature header is not t=<seconds>,v1=<64 hex digits>');
  return { t, v1 };
}
