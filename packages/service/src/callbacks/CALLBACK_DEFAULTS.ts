/**
 * Every default of the callback outbox, declared once, with its unit. The
 * producer's and the deliverer's options are merged over these and
 * validated once (`resolveDeliveryOptions`).
 */
export const CALLBACK_DEFAULTS = Object.freeze({
  /**
   * Longest one POST may take, connection and answer included, in ms: the
   * spec promises receivers that no answer within 10 seconds is retried.
   */
  timeoutMs: 10_000,
  /**
   * Added to `timeoutMs` for an attempt's `until`, in ms: time to record the
   * outcome, and clocks of several service processes a little apart. Until
   * then no other process takes the callback again.
   */
  attemptMarginMs: 20_000,
  /** Wait before the second attempt, in ms; doubles per failed attempt. */
  firstRetryDelayMs: 10_000,
  /** Longest wait between two attempts, in ms (before jitter). */
  maxRetryDelayMs: 3_600_000,
  /**
   * ± fraction of random spread on each wait, so callbacks that failed
   * together (a receiver down) do not all come back in the same second.
   */
  retryJitter: 0.2,
  /**
   * How long after it was queued a callback is still tried, in ms: the spec
   * says "retried with exponential backoff for up to 3 days". An attempt
   * that would start later is not made: the callback is abandoned.
   */
  retryForMs: 3 * 24 * 3_600_000,
  /** Callbacks sent at once by one deliverer (one round), earliest due first. */
  maxPerRound: 8,
  /**
   * Longest a deliverer sleeps between rounds when nothing is due, in ms:
   * how late it notices callbacks queued by another process.
   */
  idleMs: 1_000,
  /**
   * Bytes of a receiver's answer read (and thrown away) before the connection
   * is cut: the status is all we need, and a hostile receiver could stream.
   */
  maxResponseBytes: 64 * 1024,
  /** The `User-Agent` of every callback. */
  userAgent: 'mixpanel-gdpr-service/0.1 (callbacks)',
  /**
   * The state a request is taken to have when it is received: no
   * `request.state_changed` is sent until it leaves it.
   */
  initialState: 'not_submitted',
});
