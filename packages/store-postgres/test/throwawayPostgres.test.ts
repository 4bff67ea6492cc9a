import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { portIsOpen } from '../../../scripts/postgres.mjs';
import { processIsAlive, startThrowawayPostgres } from './helpers/startThrowawayPostgres.js';

describe('the throwaway PostgreSQL of the tests', () => {
  it('runs a real server, and stop ends its process, closes its port and deletes its files', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'mgdpr-pg-'));
    const server = await startThrowawayPostgres(dataDir);
    try {
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
      await client.end();
      expect(rows[0]!.server_version).toMatch(/^\d+/);
      expect(processIsAlive(server.pid)).toBe(true);
    } finally {
      await server.stop();
    }
    expect(processIsAlive(server.pid)).toBe(false);
    expect(await portIsOpen(server.port)).toBe(false);
    expect(existsSync(dataDir)).toBe(false);
  });

  it("is the suite's server unless DATABASE_URL names one", () => {
    const started = inject('throwawayPostgres');
    if (process.env.DATABASE_URL) expect(started).toBeUndefined();
    else expect(started && processIsAlive(started.pid)).toBe(true);
  });
});
