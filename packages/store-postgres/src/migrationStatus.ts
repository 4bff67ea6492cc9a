import type pg from 'pg';
import { loadMigrations } from './loadMigrations.js';
import { sql } from './sql.js';

export interface MigrationStatus {
  /** Migrations this package holds. */
  known: number;
  /** Of those, applied to the database (a missing table counts none). */
  applied: number;
}

/**
 * How far the database's schema is, without changing it: for a readiness
 * check (a process must not take work on a schema older than its code).
 */
export async function migrationStatus(db: pg.Pool | pg.ClientBase): Promise<MigrationStatus> {
  const known = await loadMigrations();
  const { rows } = await db.query<{ exists: string | null }>("SELECT to_regclass('mgdpr_schema_migrations') AS exists");
  if (!rows[0]?.exists) return { known: known.length, applied: 0 };
  const done = (await db.query<{ version: number }>(sql.appliedMigrations)).rows;
  return { known: known.length, applied: known.filter((m) => done.some((d) => d.version === m.version)).length };
}
