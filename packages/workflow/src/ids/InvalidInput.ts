/**
 * What a reader yields, in place of an id, for a record it could not turn
 * into one without changing it (invalid UTF-8, an over-long line, a JSON
 * number that lost digits). `normalizeIds` reports it at its position in
 * `stats.invalid`, so it is counted and shown, never dropped or rewritten.
 */
export class InvalidInput {
  constructor(
    readonly reason: string,
    /** The record as a report shows it: already shortened and escaped (see `printable`). */
    readonly display: string,
  ) {}
}
