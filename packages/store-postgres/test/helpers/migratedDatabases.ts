import { migrate } from '../../src/migrate.js';
import type { FreshDatabase } from './freshDatabase.js';
import { openedPerTest } from './openedPerTest.js';

/** For one test file: a new migrated database per call, each dropped after its test. */
export function migratedDatabases(): () => Promise<FreshDatabase> {
  const opened = openedPerTest();
  return async () => {
    const database = await opened.database();
    await migrate(database.pool());
    return database;
  };
}
