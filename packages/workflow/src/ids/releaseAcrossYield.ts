/**
 * Empties a chunk of rows before a yield. Held across it, the rows (every
 * field of a read) live through the scavenges of the code downstream, are
 * promoted, and pile up as old garbage: +60 MB peak RSS on 1M rows.
 */
export function releaseAcrossYield(rows: unknown[]): void {
  rows.length = 0;
}
