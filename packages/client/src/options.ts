import type { Region } from './regions.js';
import { type Sleep, sleep } from './sleep.js';

/**
 * Options of `createMixpanelGdprClient`. An optional option set to `undefined`
 * takes its default, so a project with `exactOptionalPropertyTypes` can pass
 * `process.env.X` as it is.
 */
export interface ClientOptions {
  /**
   * OAuth token of a project owner or admin (Profile & Preferences → Data &
   * Privacy). Sent as `Authorization: Bearer`, only to the API's own origin.
   * Expires one year after creation.
   */
  oauthToken: string;
  /** Project token, sent as `?token=`. Not a password, but kept out of logs and errors. */
  projectToken: string;
  /**
   * Data residency region of the project.
   * @default 'us'
   */
  region?: Region | undefined;
  /**
   * Overrides the region's URL (a proxy, a mock). `https:`, or `http:` on a
   * loopback host only.
   */
  baseUrl?: string | undefined;
  /** `fetch` to use. @default globalThis.fetch, as it is when the client is created */
  fetch?: typeof fetch | undefined;
  /**
   * Time allowed for one attempt, in milliseconds, headers and body included.
   * At most 2^31 - 1 (about 24.8 days, the longest timer).
   * @default 30_000
   */
  timeoutMs?: number | undefined;
  /**
   * Largest response body read, in bytes, counted after decoding (so a small
   * gzip bomb is stopped too). Mixpanel's answers are a few kB; a bigger one
   * comes from something else. Reading stops at this bound instead of
   * filling memory: a 2xx then fails with `ResponseTooLargeError`; an error
   * status keeps its meaning, without its body.
   * @default 1_048_576 (1 MiB)
   */
  maxResponseBytes?: number | undefined;
  /**
   * Retries after the first attempt, for 429, 5xx and connection failures
   * (see `isRetryable` for which methods).
   * @default 4
   */
  maxRetries?: number | undefined;
  /**
   * First backoff ceiling in milliseconds; doubles per retry.
   * @default 1_000
   */
  minRetryDelayMs?: number | undefined;
  /**
   * Longest single wait between attempts, in milliseconds. A `Retry-After`
   * longer than this is not waited out: the call fails with
   * `RateLimitError.retryAfterMs` so that the caller can schedule it.
   * @default 60_000
   */
  maxRetryDelayMs?: number | undefined;
  /**
   * Most ids in one deletion request. Mixpanel's reference says 1999; with
   * Group Analytics it is floor(2000 / (data_groups + 1)).
   * @default 1999
   */
  maxDeletionIds?: number | undefined;
  /**
   * Most ids in one retrieval request.
   * @default 2000
   */
  maxRetrievalIds?: number | undefined;
  /** @default 'mixpanel-gdpr-client (+https://github.com/mixpanel-gdpr/mixpanel-gdpr)' */
  userAgent?: string | undefined;
  /**
   * Awaited before every attempt, retries included. Plug a shared rate
   * limiter in here: the GDPR API allows 1 request/s per project, and a retry
   * is a request like any other.
   */
  beforeAttempt?: ((signal: AbortSignal | undefined) => Promise<void>) | undefined;
  /** Test seam: waits between retries. @default a setTimeout-based abortable sleep */
  sleep?: Sleep | undefined;
  /** Test seam: jitter source in [0, 1). @default Math.random */
  random?: (() => number) | undefined;
  /** Test seam: the clock, used to read HTTP-date `Retry-After`. @default Date.now */
  now?: (() => number) | undefined;
}

/**
 * Every default, declared once; the seams (`fetch`, `sleep`, `random`, `now`)
 * are the workflow's defaults too.
 */
export const CLIENT_DEFAULTS = Object.freeze({
  region: 'us',
  timeoutMs: 30_000,
  maxResponseBytes: 1_048_576,
  maxRetries: 4,
  minRetryDelayMs: 1_000,
  maxRetryDelayMs: 60_000,
  maxDeletionIds: 1999,
  maxRetrievalIds: 2000,
  userAgent: 'mixpanel-gdpr-client (+https://github.com/mixpanel-gdpr/mixpanel-gdpr)',
  // Read when the defaults are merged, not when this module loads: a fetch installed or stubbed later is the one used.
  get fetch(): typeof fetch {
    return globalThis.fetch;
  },
  sleep,
  random: Math.random,
  now: Date.now,
} as const satisfies Partial<ClientOptions>);

/** Mixpanel's hard ceiling on ids per request, whatever the options say. */
export const API_MAX_IDS_PER_REQUEST = 2000;
