import { afterEach } from 'vitest';
import { type FreshDatabase, freshDatabase } from './freshDatabase.js';

interface Closable {
  close(): Promise<void>;
}

/**
 * For one test file: the databases and ledgers each test opens, closed
 * (ledgers first, they hold connections) and dropped after it.
 */
export function openedPerTest(): {
  /** A new empty database, dropped after the test. */
  database(): Promise<FreshDatabase>;
  /** Returns `opened`, closed after the test. */
  closeAfter<T extends Closable>(opened: T): T;
} {
  const databases: FreshDatabase[] = [];
  const open: Closable[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((opened) => opened.close()));
    await Promise.all(databases.splice(0).map((database) => database.drop()));
  });
  return {
    async database() {
      const database = await freshDatabase();
      databases.push(database);
      return database;
    },
    closeAfter(opened) {
      open.push(opened);
      return opened;
    },
  };
}
