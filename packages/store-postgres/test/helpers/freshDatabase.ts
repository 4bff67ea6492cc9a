import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

export interface FreshDatabase {
  /** Connection URL of the new, empty database (a secret: never print it). */
  url: string;
  name: string;
  /** A pool on it; ended by `drop`. */
  pool(): pg.Pool;
  /** Ends the pools, then drops the database, closing any connection left. */
  drop(): Promise<void>;
}

/**
 * A new empty database on the test server, so each test is isolated and
 * test files can run in parallel.
 */
export async function freshDatabase(): Promise<FreshDatabase> {
  const serverUrl = inject('databaseUrl');
  const name = `t_${randomBytes(8).toString('hex')}`;
  await withAdmin(serverUrl, (admin) => admin.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const pools: pg.Pool[] = [];
  return {
    url: url.toString(),
    name,
    pool() {
      const pool = new pg.Pool({ connectionString: url.toString() });
      pool.on('error', () => {});
      pools.push(pool);
      return pool;
    },
    async drop() {
      await Promise.all(pools.map((pool) => pool.end().catch(() => {})));
      await withAdmin(serverUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

async function withAdmin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
