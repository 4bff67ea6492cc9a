/**
 * An append needed a lease this owner no longer holds (it expired, was
 * taken over, or was never claimed): nothing was written. The worker must
 * stop acting for that resource; whoever holds it now finds the work where
 * the log left it (a `batch.sending` without an outcome is marked unknown).
 */
export class LeaseLostError extends Error {
  override name = 'LeaseLostError';

  constructor(
    /** The lease the append needed. */
    readonly resource: string,
    /** Who needed it. */
    readonly owner: string,
    /** Who holds it now (possibly `owner`, expired), or undefined when nobody does. */
    readonly holder: string | undefined,
    /** When the holder's lease expires (or expired), epoch ms on the database's clock. */
    readonly holderExpiresAt: number | undefined,
  ) {
    super(
      `lease ${resource} is not held by ${owner}: ${
        holder === undefined
          ? 'nobody holds it'
          : holder === owner
            ? `it expired at ${new Date(holderExpiresAt!).toISOString()} (database clock)`
            : `${holder} holds it until ${new Date(holderExpiresAt!).toISOString()} (database clock)`
      }; nothing was written`,
    );
  }
}
