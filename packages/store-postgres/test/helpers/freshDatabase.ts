import type pg from 'pg';
import { inject } from 'vitest';
import { freshDatabase as onServer } from '../../../../scripts/postgres.mjs';

export interface FreshDatabase {
  /** Connection URL of the new, empty database (a secret: never print it). */
  url: string;
  name: string;
  /** A pool on it; ended by `drop`. */
  pool(): pg.Pool;
  /** Ends the pools, then drops the database, closing any connection left. */
  drop(): Promise<void>;
}

/** A new empty database on the test server, so each test is isolated and test files can run in parallel. */
export async function freshDatabase(): Promise<FreshDatabase> {
  // The starter is plain JavaScript beside the benches, where `pg` is not a dependency: its pools are typed here.
  return (await onServer(inject('databaseUrl'))) as FreshDatabase;
}
