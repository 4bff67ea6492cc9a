import pg from 'pg';

/** Longest wait for a connection from the pool (or to the server), in ms. */
export const POOL_CONNECT_TIMEOUT_MS = 10_000;
/** Longest a query may take, in ms: every statement of the store is short (a migration's lock wait included). */
export const POOL_QUERY_TIMEOUT_MS = 60_000;

/**
 * A connection pool for a store URL, for callers that do not depend on `pg`
 * themselves (the CLI loads this package only when given a database URL).
 * An idle connection dropped by a server restart emits 'error' on the pool,
 * which would crash the process: the next query reports it instead.
 */
export function createPool(url: string, { max = 10 }: { max?: number } = {}): pg.Pool {
  // A partitioned network sends no reset: without these, a query (an append, a lease renewal) could wait for
  // ever, and a worker told to stop would never exit.
  const pool = new pg.Pool({
    connectionString: url,
    max,
    keepAlive: true,
    connectionTimeoutMillis: POOL_CONNECT_TIMEOUT_MS,
    query_timeout: POOL_QUERY_TIMEOUT_MS,
  });
  pool.on('error', () => {});
  // A client checked out when its connection drops (a database restart between two statements of a
  // transaction) emits 'error' too, and without a listener that ends the process: its pending or next query
  // reports the failure instead.
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}
