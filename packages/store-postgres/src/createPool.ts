import pg from 'pg';

/**
 * A connection pool for a store URL, for callers that do not depend on `pg`
 * themselves (the CLI loads this package only when given a database URL).
 * An idle connection dropped by a server restart emits 'error' on the pool,
 * which would crash the process: the next query reports it instead.
 */
export function createPool(url: string, { max = 10 }: { max?: number } = {}): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', () => {});
  return pool;
}
