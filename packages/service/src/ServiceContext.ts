import type { KeyScope, KeyState, Ledger, RequestDesk } from '@mixpanel-gdpr/workflow';

/** What every handler works with: the store, the request desk, the clock and the operator's settings. */
export interface ServiceContext {
  ledger: Ledger;
  desk: RequestDesk;
  /** The configured project names a request may name. */
  projects: readonly string[];
  now: () => number;
  /** Keys Idempotency-Key hashes (HMAC-SHA256), so the store never holds a caller's raw key. */
  secret: Uint8Array;
  /** Checks a request's callback URL at intake (no SSRF); throws naming `callbackUrl`. */
  checkCallbackUrl: (url: string) => void;
  pageSize: number;
  tool: { name: string; version: string };
}

/** The key a request authenticated with, set by the security handler. */
export interface Caller {
  key: KeyState;
  scopes: ReadonlySet<KeyScope>;
  /** Set when the caller came with the dashboard's session cookie rather than the key itself. */
  session?: { expiresAt: number; csrfToken: string };
}
