import { afterEach } from 'vitest';
import { migrate } from '../../src/migrate.js';
import { type FreshDatabase, freshDatabase } from './freshDatabase.js';

/** For one test file: a new migrated database per call, each dropped after its test. */
export function migratedDatabases(): () => Promise<FreshDatabase> {
  const made: FreshDatabase[] = [];
  afterEach(async () => {
    await Promise.all(made.splice(0).map((database) => database.drop()));
  });
  return async () => {
    const database = await freshDatabase();
    made.push(database);
    await migrate(database.pool());
    return database;
  };
}
