import { setTimeout as delay } from 'node:timers/promises';
import type pg from 'pg';

/**
 * Resolves once `resource`'s lease has expired on the database's clock (the
 * clock the leases use), polling: tests wait for the database, never assert
 * how long that took by the wall clock.
 */
export async function waitForExpiry(pool: pg.Pool, resource: string): Promise<void> {
  for (;;) {
    const { rows } = await pool.query<{ expired: boolean }>(
      'SELECT expires_at < clock_timestamp() AS expired FROM mgdpr_leases WHERE resource = $1',
      [resource],
    );
    if (!rows[0] || rows[0].expired) return;
    await delay(20);
  }
}
