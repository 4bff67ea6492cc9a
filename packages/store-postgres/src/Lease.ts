/** One claim of a lease, as `Leases.claim` took it. Times are on the database's clock. */
export interface Lease {
  /** What is leased, e.g. `job:<jobId>`. */
  readonly resource: string;
  /** Who holds it (`leaseOwnerId()`: host, pid and a random part). */
  readonly owner: string;
  /** When it expires unless renewed, epoch ms (to the µs), on the database's clock. Moved on by `renew`. */
  expiresAt: number;
  /**
   * When this claim was taken, epoch µs on the database's clock (exact in a
   * number). With `owner` it names the claim: a lease lost and claimed again,
   * even by the same owner, is another claim, and renewing or releasing the
   * old one does nothing.
   */
  readonly claimedAtUs: number;
}

/** A row of `mgdpr_leases`, for status: `expired` is read on the database's clock. */
export interface LeaseStatus extends Lease {
  expired: boolean;
}
