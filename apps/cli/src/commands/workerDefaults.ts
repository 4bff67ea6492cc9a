// Its own module: `--help` shows these without loading the worker (and the workflow with it).
/** Every worker default, with its unit. */
export const WORKER_DEFAULTS = Object.freeze({
  /** Jobs one worker runs at once (watching is cheap: the pace per project is the limit, not this). */
  concurrency: 100,
  /** A job's lease, in ms: renewed every third of it; a dead worker's jobs are taken over after it. */
  leaseMs: 30_000,
  /** Longest sleep between two looks for work when no change is announced, in ms. */
  idleMs: 5_000,
  /**
   * A job whose next poll is further away than this is let go until then,
   * in ms (its lease released, its slot freed): deletions are polled every
   * few hours for weeks, and thousands of them are outstanding at once.
   */
  leaveIdleAfterMs: 60_000,
  /** A job whose run Mixpanel refused (credentials, a wrong region) is not taken again by this worker for this long, in ms. */
  retryMs: 60_000,
  /**
   * Requests recorded this long ago without their jobs are planned by a
   * worker, in ms: the window in which requests arriving one by one (the
   * service) are gathered into full batches, and in which a run that
   * records requests plans them itself (its crash is what this catches).
   * Cut short when the requests waiting fill a batch, or one is urgent.
   * Ten minutes: at 2,000 erasures a day that is about 14 requests a task
   * (each task costs its polls for weeks), and receipt to submission stays
   * under 15 minutes (bench row 8).
   */
  planAfterMs: 600_000,
  /** After the store failed (a database restart, a dropped connection), wait this long before looking again, in ms. */
  storeRetryMs: 1_000,
});
