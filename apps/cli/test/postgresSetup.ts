import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
// The store package's own throwaway server: one way to start PostgreSQL for every test that needs it.
import {
  startThrowawayPostgres,
  type ThrowawayPostgres,
} from '../../../packages/store-postgres/test/helpers/startThrowawayPostgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A server where tests may create databases (a secret: never print it). */
    databaseUrl: string;
  }
}

let server: ThrowawayPostgres | undefined;

/** `DATABASE_URL` when set; otherwise a PostgreSQL of our own, stopped (the real process) at teardown. */
export async function setup(project: TestProject): Promise<void> {
  const given = process.env.DATABASE_URL;
  if (given) return project.provide('databaseUrl', given);
  server = await startThrowawayPostgres(await mkdtemp(join(tmpdir(), 'mgdpr-cli-pg-')));
  project.provide('databaseUrl', server.url);
}

export async function teardown(): Promise<void> {
  await server?.stop();
  server = undefined;
}
