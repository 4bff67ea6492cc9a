import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** What a session cookie says, once its signature checked out. */
export interface SessionClaims {
  keyId: string;
  expiresAt: number;
  /** The token a change made with this cookie must also carry (`X-CSRF-Token`). */
  csrfToken: string;
}

const TOKEN = /^v1\.([0-9a-f]{16})\.([0-9a-z]{1,12})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

/**
 * Stateless dashboard sessions: the cookie names the key, its expiry and a
 * random nonce, signed (HMAC-SHA256) with a key derived from the service
 * secret, so every process sharing the secret accepts it and none stores
 * it. It never holds the API key. The CSRF token is derived from the nonce
 * under another label: a page gets it from the API (the cookie is HttpOnly),
 * a cross-site form cannot.
 */
export function sessionTokens(secret: Uint8Array) {
  const macKey = createHmac('sha256', secret).update('mixpanel-gdpr session v1').digest();
  const mac = (text: string) => createHmac('sha256', macKey).update(text).digest('base64url');
  const csrfOf = (nonce: string) => mac(`csrf.${nonce}`);

  return {
    issue(keyId: string, expiresAt: number): { cookie: string; claims: SessionClaims } {
      const nonce = randomBytes(16).toString('base64url');
      const body = `v1.${keyId}.${expiresAt.toString(36)}.${nonce}`;
      return { cookie: `${body}.${mac(body)}`, claims: { keyId, expiresAt, csrfToken: csrfOf(nonce) } };
    },

    /** The claims of a cookie this service signed and that has not expired, else undefined. */
    read(cookie: string, now: number): SessionClaims | undefined {
      const match = TOKEN.exec(cookie);
      if (!match) return undefined;
      const [, keyId, expiry, nonce, signature] = match as unknown as [string, string, string, string, string];
      const body = `v1.${keyId}.${expiry}.${nonce}`;
      if (!sameText(mac(body), signature)) return undefined;
      const expiresAt = Number.parseInt(expiry, 36);
      if (!(expiresAt > now)) return undefined;
      return { keyId, expiresAt, csrfToken: csrfOf(nonce) };
    },
  };
}

export type SessionTokens = ReturnType<typeof sessionTokens>;

/** Constant-time equality of two strings (false when their lengths differ). */
export function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
