import type pg from 'pg';
import { loadMigrations, type Migration } from './loadMigrations.js';
import { MigrationError } from './MigrationError.js';
import { sql } from './sql.js';
import { withTransaction } from './withTransaction.js';

export interface MigrateOptions {
  /** Checked before each migration: one already begun runs to its commit. */
  signal?: AbortSignal;
  /** The migrations to apply. @default the package's `migrations/` folder */
  migrations?: readonly Migration[];
}

export interface MigrateResult {
  /** Applied by this call, oldest first (empty when the schema was up to date). */
  applied: Migration[];
  /** The schema's version now. */
  version: number;
}

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
}

/**
 * Brings the database's schema up to this package's version. Each migration
 * runs in a transaction of its own under a transaction-level advisory lock,
 * and the list of applied ones is read again under that lock, so workers
 * starting together apply each migration exactly once: the others wait,
 * then see it applied. A migration whose file changed since it was applied,
 * or a schema newer than this package, is refused before anything runs.
 */
export async function migrate(db: pg.Pool | pg.ClientBase, options: MigrateOptions = {}): Promise<MigrateResult> {
  const migrations = [...(options.migrations ?? (await loadMigrations()))].sort((a, b) => a.version - b.version);
  const applied: Migration[] = [];
  for (;;) {
    options.signal?.throwIfAborted();
    const step = await withTransaction(db, async (client) => {
      await client.query(sql.lockMigrations);
      await client.query(sql.createMigrationsTable);
      const done = (await client.query<AppliedRow>(sql.appliedMigrations)).rows;
      checkApplied(done, migrations);
      const next = migrations.find((m) => !done.some((row) => row.version === m.version));
      if (!next) return { next, version: done.at(-1)?.version ?? 0 };
      await client.query(next.sql);
      await client.query(sql.recordMigration, [next.version, next.name, next.checksum]);
      return { next, version: next.version };
    });
    if (!step.next) return { applied, version: step.version };
    applied.push(step.next);
  }
}

function checkApplied(done: readonly AppliedRow[], migrations: readonly Migration[]): void {
  const newest = migrations.at(-1)?.version ?? 0;
  for (const row of done) {
    const known = migrations.find((m) => m.version === row.version);
    if (!known && row.version > newest)
      throw new MigrationError(
        `the database's schema is at version ${row.version} (${row.name}), newer than this mixpanel-gdpr knows (${newest}): upgrade mixpanel-gdpr`,
      );
    if (!known)
      throw new MigrationError(`the database records migration ${row.name}, which this mixpanel-gdpr does not have`);
    if (known.checksum !== row.checksum)
      throw new MigrationError(
        `migration ${known.name} was changed after it was applied to this database (checksum ${known.checksum.slice(0, 12)}…, applied ${row.checksum.slice(0, 12)}…): restore the file; an applied migration must never change`,
      );
  }
}
