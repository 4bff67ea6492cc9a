import { createHmac } from 'node:crypto';

/** The header that carries a callback's signature (the service spec's webhook). */
export const SIGNATURE_HEADER = 'Mixpanel-Gdpr-Signature';

/**
 * The `Mixpanel-Gdpr-Signature` value for `body`, Stripe-style:
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, one `v1` per
 * secret (two while the secret is rotated: receivers accept either).
 */
export function callbackSignature(body: string, secrets: readonly string[], nowMs: number): string {
  const t = Math.floor(nowMs / 1000);
  const macs = secrets.map((secret) => `v1=${createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex')}`);
  return `t=${t},${macs.join(',')}`;
}
