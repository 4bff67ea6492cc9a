import type pg from 'pg';
import { isPool } from './isPool.js';

/**
 * Runs `work` in one transaction, committed when it resolves, rolled back
 * when it throws. Given a pool, it takes a client of its own; a client whose
 * connection failed mid-transaction is then destroyed rather than returned,
 * so the next caller never inherits an aborted transaction.
 */
export async function withTransaction<T>(
  db: pg.Pool | pg.ClientBase,
  work: (client: pg.ClientBase) => Promise<T>,
): Promise<T> {
  const client = isPool(db) ? await db.connect() : db;
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => {
      broken = rollbackError;
    });
    throw error;
  } finally {
    if (isPool(db)) (client as pg.PoolClient).release(broken);
  }
}
