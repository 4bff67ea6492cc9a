import { afterEach, describe, expect, it } from 'vitest';
import { loadMigrations } from '../src/loadMigrations.js';
import { MigrationError } from '../src/MigrationError.js';
import { migrate } from '../src/migrate.js';
import { type FreshDatabase, freshDatabase } from './helpers/freshDatabase.js';

let db: FreshDatabase | undefined;
afterEach(async () => {
  await db?.drop();
  db = undefined;
});

async function appliedVersions(database: FreshDatabase): Promise<number[]> {
  const { rows } = await database
    .pool()
    .query<{ version: number }>('SELECT version FROM mgdpr_schema_migrations ORDER BY version');
  return rows.map((row) => row.version);
}

describe('migrate', () => {
  it('creates the schema on a fresh database, recording each migration with its checksum', async () => {
    db = await freshDatabase();
    const migrations = await loadMigrations();
    expect(migrations.map((m) => m.name)).toEqual([
      '0001_events.sql',
      '0002_pace.sql',
      '0003_leases.sql',
      '0004_pace_in_flight.sql',
    ]);
    const result = await migrate(db.pool());
    expect(result.applied.map((m) => m.version)).toEqual([1, 2, 3, 4]);
    expect(result.version).toBe(4);
    const { rows } = await db
      .pool()
      .query<{ name: string; checksum: string }>('SELECT name, checksum FROM mgdpr_schema_migrations ORDER BY version');
    expect(rows).toEqual(migrations.map(({ name, checksum }) => ({ name, checksum })));
    const tables = await db
      .pool()
      .query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE tablename LIKE 'mgdpr_%' ORDER BY 1");
    expect(tables.rows.map((r) => r.tablename)).toEqual([
      'mgdpr_events',
      'mgdpr_leases',
      'mgdpr_pace',
      'mgdpr_schema_migrations',
    ]);
  });

  it('does nothing the second time', async () => {
    db = await freshDatabase();
    await migrate(db.pool());
    const again = await migrate(db.pool());
    expect(again).toEqual({ applied: [], version: 4 });
    expect(await appliedVersions(db)).toEqual([1, 2, 3, 4]);
  });

  it('applies each migration exactly once when five workers migrate together', async () => {
    db = await freshDatabase();
    // Separate pools: separate workers, each with its own connections.
    const pools = Array.from({ length: 5 }, () => db!.pool());
    const results = await Promise.all(pools.map((pool) => migrate(pool)));
    const appliedBy = results.flatMap((r) => r.applied.map((m) => m.version)).sort();
    expect(appliedBy).toEqual([1, 2, 3, 4]);
    expect(results.every((r) => r.version === 4)).toBe(true);
    expect(await appliedVersions(db)).toEqual([1, 2, 3, 4]);
  });

  it('accepts a client as well as a pool', async () => {
    db = await freshDatabase();
    const client = await db.pool().connect();
    try {
      expect((await migrate(client)).version).toBe(4);
    } finally {
      client.release();
    }
  });

  it('refuses a migration whose file changed after it was applied, naming the file', async () => {
    db = await freshDatabase();
    const migrations = await loadMigrations();
    await migrate(db.pool(), { migrations });
    const changed = migrations.map((m) => (m.version === 2 ? { ...m, checksum: 'f'.repeat(64) } : m));
    const error = await migrate(db.pool(), { migrations: changed }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as Error).message).toMatch(/migration 0002_pace\.sql was changed after it was applied/);
  });

  it('refuses a changed migration before applying newer ones', async () => {
    db = await freshDatabase();
    const migrations = await loadMigrations();
    await migrate(db.pool(), { migrations: migrations.slice(0, 1) });
    const changed = [{ ...migrations[0]!, checksum: '0'.repeat(64) }, ...migrations.slice(1)];
    await expect(migrate(db.pool(), { migrations: changed })).rejects.toThrow(/0001_events\.sql was changed/);
    expect(await appliedVersions(db)).toEqual([1]);
  });

  it('refuses a database whose schema is newer than this package', async () => {
    db = await freshDatabase();
    await migrate(db.pool());
    await db
      .pool()
      .query("INSERT INTO mgdpr_schema_migrations (version, name, checksum) VALUES (9999, '9999_future.sql', 'x')");
    await expect(migrate(db.pool())).rejects.toThrow(
      /newer than this mixpanel-gdpr knows \(4\): upgrade mixpanel-gdpr/,
    );
  });

  it('applies nothing once the signal has aborted', async () => {
    db = await freshDatabase();
    const controller = new AbortController();
    controller.abort(new Error('stopped'));
    await expect(migrate(db.pool(), { signal: controller.signal })).rejects.toThrow('stopped');
    const { rows } = await db.pool().query("SELECT to_regclass('mgdpr_schema_migrations') AS t");
    expect(rows[0].t).toBeNull();
  });

  it('rolls a failing migration back whole, recording nothing', async () => {
    db = await freshDatabase();
    const [first] = await loadMigrations();
    const broken = {
      version: 2,
      name: '0002_broken.sql',
      sql: 'CREATE TABLE half (x int); SELECT 1/0;',
      checksum: 'b',
    };
    await expect(migrate(db.pool(), { migrations: [first!, broken] })).rejects.toThrow(/division by zero/);
    expect(await appliedVersions(db)).toEqual([1]);
    const { rows } = await db.pool().query("SELECT to_regclass('half') AS t");
    expect(rows[0].t).toBeNull();
  });
});
