/** Every service default, with its unit: declared once. */
export const SERVICE_DEFAULTS = Object.freeze({
  /** Where `serve` listens: loopback unless the operator says otherwise. */
  host: '127.0.0.1',
  port: 8080,
  /** Largest JSON body, in bytes (the spec: 4 MiB). */
  bodyLimitBytes: 4 * 1024 * 1024,
  /** Requests per page of a listing, and the most one page may hold (the spec's `limit`). */
  pageSize: 50,
  /** Intake requests (POSTs that file requests) one key may make per minute; more get 429 with Retry-After. */
  intakePerMinute: 600,
  /** How long a refresh of the store may be skipped when an unknown key is presented, in ms (a key made by the CLI meanwhile). */
  keyRefreshMs: 1_000,
  /** Days of due dates the deadlines view covers by default (the spec: 45; at most 120). */
  deadlineDays: 45,
  /** Largest bulk upload, in bytes (the spec: 2 GiB). */
  uploadMaxBytes: 2 * 1024 ** 3,
  /** A bulk upload that sends nothing for this long is dropped, in ms (the spec: 60 s). */
  uploadStallMs: 60_000,
  /** Graceful shutdown: how long requests in flight may take to finish after SIGTERM, in ms. */
  closeGraceMs: 10_000,
  /** A dashboard session lasts this long from sign-in, in ms (then the page asks for the key again). */
  sessionMs: 8 * 60 * 60 * 1000,
  /** Ids per page of a request's subjects (the spec's default; at most `subjectsMaxPage`). */
  subjectsPageSize: 100,
  subjectsMaxPage: 1_000,
});
