/** The header that carries a callback's signature. */
export const CALLBACK_SIGNATURE_HEADER = 'Mixpanel-Gdpr-Signature';

const encoder = new TextEncoder();

/** An HMAC-SHA256 key for `secret` (Web Crypto: the same code runs in Node 20+ and browsers). */
export function hmacKey(secret: string, usage: 'sign' | 'verify'): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [usage]);
}

/** The bytes signed: `<t>.` followed by the raw body. */
export function signedBytes(timestampS: number, body: string | Uint8Array): Uint8Array<ArrayBuffer> {
  const prefix = encoder.encode(`${timestampS}.`);
  const bytes = typeof body === 'string' ? encoder.encode(body) : body;
  const out = new Uint8Array(prefix.length + bytes.length);
  out.set(prefix);
  out.set(bytes, prefix.length);
  return out;
}

/**
 * The `Mixpanel-Gdpr-Signature` value for a callback body:
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`. The service signs
 * with this; receivers' tests can too.
 */
export async function signCallback(body: string | Uint8Array, secret: string, nowMs = Date.now()): Promise<string> {
  const t = Math.floor(nowMs / 1000);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', await hmacKey(secret, 'sign'), signedBytes(t, body)));
  return `t=${t},v1=${[...mac].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}
