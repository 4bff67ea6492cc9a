/** The database's schema cannot be used by this version: changed, unknown or newer migrations. */
export class MigrationError extends Error {
  override name = 'MigrationError';
}
