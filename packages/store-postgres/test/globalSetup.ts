import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startThrowawayPostgres, type ThrowawayPostgres } from './helpers/startThrowawayPostgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A server where tests may create databases (a secret: never print it). */
    databaseUrl: string;
    /** The throwaway server's process and port, when this setup started one. */
    throwawayPostgres: { pid: number; port: number } | undefined;
  }
}

let server: ThrowawayPostgres | undefined;

/** `DATABASE_URL` when set; otherwise a PostgreSQL of our own, stopped at teardown. */
export async function setup(project: TestProject): Promise<void> {
  const given = process.env.DATABASE_URL;
  if (given) {
    project.provide('databaseUrl', given);
    project.provide('throwawayPostgres', undefined);
    return;
  }
  server = await startThrowawayPostgres(await mkdtemp(join(tmpdir(), 'mgdpr-pg-')));
  project.provide('databaseUrl', server.url);
  project.provide('throwawayPostgres', { pid: server.pid, port: server.port });
}

export async function teardown(): Promise<void> {
  await server?.stop();
  server = undefined;
}
