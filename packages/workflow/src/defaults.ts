// From the client's light entry: `@mixpanel-gdpr/workflow/defaults` loads neither the client nor the workflow.
import { CLIENT_DEFAULTS } from '@mixpanel-gdpr/client/constants';

/**
 * Every workflow default, declared once, with its unit. Options are merged
 * over these and validated once (`resolveWorkflowOptions`). What the client
 * already declares (ids per request; the clock, sleep, randomness and fetch
 * in `CLIENT_DEFAULTS`) is taken from it, not repeated.
 */
export const WORKFLOW_DEFAULTS = Object.freeze({
  /**
   * Requests per second for one project, every operation included: Mixpanel
   * allows 1 per second across the GDPR APIs.
   */
  ratePerSecond: 1,
  /** Ids per deletion request: the client's `maxDeletionIds` (Mixpanel's reference says 1999). */
  deletionBatchSize: CLIENT_DEFAULTS.maxDeletionIds,
  /** Ids per retrieval request: the client's `maxRetrievalIds` (2000). */
  retrievalBatchSize: CLIENT_DEFAULTS.maxRetrievalIds,
  /**
   * With Group Analytics, ids per request are floor(2000 / (dataGroups + 1)).
   * 0 means no group keys.
   */
  dataGroups: 0,
  /**
   * Shortest wait between two polls of one task, and before its first, in ms
   * (before jitter): by default the longest wait too, so a task is polled
   * once per detection-lag target (see `nextPollDelayMs`). Lower it (with
   * `pollMaxDelayMs`) for a fast fake or a short test.
   */
  pollMinDelayMs: 6 * 3_600_000,
  /**
   * Longest wait between two polls of one task, in ms: a finished deletion is
   * noticed at most this late (the detection-lag target for erasures).
   */
  pollMaxDelayMs: 6 * 3_600_000,
  /**
   * Longest wait between two polls of a retrieval task, in ms (and at most
   * `pollMaxDelayMs`): its export link expires, so access requests have the
   * shorter lag target.
   */
  retrievalPollMaxDelayMs: 2 * 3_600_000,
  /**
   * Wait between polls as a fraction of the task's age, within [min, max]:
   * only matters when `pollMinDelayMs` is below the maximum (a ramp).
   */
  pollAgeFraction: 0.1,
  /** ± fraction of random spread on each poll delay, so tasks submitted together do not poll together. */
  pollJitter: 0.1,
  /** First wait after a 429 without Retry-After, in ms; doubles on each consecutive 429. */
  rateLimitBackoffMs: 2_000,
  /**
   * Longest wait after repeated 429s, in ms: Mixpanel advises backing off for
   * hours if need be. Also the cap on a server's `Retry-After`: a hostile or
   * broken answer cannot park the project for days.
   */
  rateLimitMaxBackoffMs: 4 * 3_600_000,
  /** First wait after a 5xx or a connection failure, in ms; doubles per consecutive failure. */
  errorBackoffMs: 1_000,
  /** Longest wait after repeated 5xx or connection failures, in ms. */
  errorMaxBackoffMs: 300_000,
  /**
   * Longest a `run(…, { wait: true })` watches before giving up, in ms (the
   * tasks stay in the ledger for a later `poll` or watch). Mixpanel takes up
   * to 30 days to delete.
   */
  watchDeadlineMs: 35 * 24 * 3_600_000,
  /** Largest export accepted, in bytes: a download beyond this is aborted. */
  maxExportBytes: 20 * 1024 ** 3,
  /** Time allowed for one export download, in ms. */
  exportTimeoutMs: 3_600_000,
  /**
   * Longest wait for the next bytes of an export download (headers or body),
   * in ms: a stalled download fails after this, not after `exportTimeoutMs`.
   * At most `MAX_TIMER_MS` (2^31 - 1, the longest timer).
   */
  exportIdleTimeoutMs: 60_000,
  /**
   * Times one batch may end "outcome unknown" (timeout, reset, 5xx, a 2xx
   * without a task id) before it is failed instead of sent again.
   */
  maxUnknownOutcomes: 10,
  /** Fresh links tried for one export when the link has expired (403, 404, 410). */
  maxExportLinkRefreshes: 5,
  /** Export downloads running at once beside the polls (a slow download never holds up polling). */
  exportConcurrency: 2,
  /**
   * A 404 on a status poll counts towards NOT_FOUND only if another task of
   * the same project answered normally within this many ms before (see
   * `notFoundRule`): otherwise the region or URL is the likelier cause.
   */
  notFoundWitnessWindowMs: 3_600_000,
  /** Witnessed 404s needed before a task is recorded NOT_FOUND. */
  notFoundConfirmations: 3,
  /** Shortest time from the first to the last of those 404s, in ms: one bad afternoon at Mixpanel is not proof. */
  notFoundMinSpanMs: 24 * 3_600_000,
  /** One-pass commands (cron `status`): 429s and transient failures tolerated per call before the task is skipped. */
  onePassMaxFailures: 3,
  /** One-pass commands: longest wait (a Retry-After, a backoff) for one call before the task is skipped, in ms. */
  onePassMaxWaitMs: 60_000,
  /** Where retrieval exports are written, relative to the working directory. */
  exportDir: 'mixpanel-gdpr-exports',
} as const);

/** Defaults of the request model (deadlines, at-risk rules, retention), with their units. */
export const REQUEST_DEFAULTS = Object.freeze({
  /** IANA time zone in which receipt and due dates are calendar dates (the controller's). */
  timeZone: 'UTC',
  /**
   * A request not yet wholly submitted this long after receipt is at risk, in ms: Mixpanel may take
   * up to 30 days to delete, so under GDPR's one month an erasure must go out within hours.
   */
  submitWithinMs: 24 * 3_600_000,
  /** A request not done with fewer calendar days than this left is at risk. */
  atRiskDaysLeft: 7,
  /** UK ICO practice: a due date on a weekend or listed holiday moves to the next working day. Off: the earlier date is safe. */
  nextWorkingDay: false,
  /** How long after a request ends its distinct ids stay in the ledger before `purge` replaces them by keyed hashes, in ms. */
  retentionMs: 365 * 24 * 3_600_000,
  /** The project name of jobs and requests when no configuration names projects. */
  defaultProject: 'default',
} as const);
