// What the PostgreSQL benchmarks share: a server (DATABASE_URL, or a throwaway one of our own), a fresh
// database per run, the CLI as a child process (its peak RSS reported at exit) and the fake as another.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshDatabase as createFreshDatabase, startThrowawayPostgres } from '../scripts/postgres.mjs';

export const BIN = new URL('../apps/cli/dist/bin.js', import.meta.url).pathname;
const RSS_HOOK = new URL('./rssOnExit.mjs', import.meta.url).pathname;
const FAKE_BIN = new URL('../packages/testing/dist/cli.js', import.meta.url).pathname;

/** Runs `work(serverUrl)` against DATABASE_URL or a PostgreSQL of our own, stopped (the process) afterwards. */
export async function withPostgres(work) {
  if (process.env.DATABASE_URL) return work(process.env.DATABASE_URL);
  const server = await startThrowawayPostgres(await mkdtemp(join(tmpdir(), 'mpgdpr-bench-pg-')));
  try {
    return await work(server.url);
  } finally {
    await server.stop();
  }
}

/** A new empty database on the server: `{ url, pool(), drop() }`; `drop` ends the pools and removes it. */
/** A new empty database on the bench's server (see scripts/postgres.mjs). */
export const freshDatabase = (serverUrl) => createFreshDatabase(serverUrl, { prefix: 'bench', poolMax: 2 });

/**
 * Starts `mixpanel-gdpr ARGS` in `cwd` (so no configuration file of the machine is found). `done` resolves
 * with `{ code, signal, stderr, maxRssMb, ms }`: maxRssMb is the process's own peak (getrusage at exit),
 * undefined when it was killed. `stdout()` is the end of what it printed so far.
 */
export function startCli(args, env, cwd) {
  const rssFile = join(cwd, `rss-${randomBytes(4).toString('hex')}`);
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', RSS_HOOK, BIN, ...args], {
    cwd,
    env: { PATH: process.env.PATH, HOME: cwd, NO_COLOR: '1', BENCH_RSS_FILE: rssFile, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (d) => {
    stdout = (stdout + d).slice(-20_000);
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    // The end is what explains a failure; a long run's progress lines are not kept whole.
    stderr = (stderr + d).slice(-20_000);
  });
  const done = new Promise((resolve) =>
    child.once('close', async (code, signal) => {
      const ms = performance.now() - started;
      const kb = Number(await readFile(rssFile, 'utf8').catch(() => Number.NaN));
      await rm(rssFile, { force: true });
      resolve({ code, signal, stderr, ms, maxRssMb: Number.isFinite(kb) ? kb / 1024 : undefined });
    }),
  );
  return { child, done, started, stdout: () => stdout };
}

/** Runs the CLI to its end; throws with its stderr unless it exits 0. */
export async function runCli(args, env, cwd) {
  const run = await startCli(args, env, cwd).done;
  if (run.code !== 0) throw new Error(`mixpanel-gdpr ${args.join(' ')} exited ${run.code}:\n${run.stderr}`);
  return run;
}

/** The fake in a process of its own (its memory and CPU are not the bench's): `{ url, pid, close() }`. */
export async function startFakeProcess(args, cwd) {
  const urlFile = join(cwd, `fake-url-${randomBytes(4).toString('hex')}`);
  const child = spawn(process.execPath, [FAKE_BIN, '--url-file', urlFile, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (d) => {
    stdout = (stdout + d).slice(-20_000);
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const closed = new Promise((resolve) => child.once('close', resolve));
  for (;;) {
    const url = await readFile(urlFile, 'utf8').catch(() => '');
    if (url) break;
    if (child.exitCode !== null) throw new Error(`the fake exited ${child.exitCode}: ${stderr}`);
    await sleep(50);
  }
  return {
    url: await readFile(urlFile, 'utf8'),
    pid: child.pid,
    async close() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await closed;
    },
  };
}

/** Stops every child still running (SIGKILL: a bench that failed must leave no process behind). */
export async function stopAll(runs) {
  for (const run of runs) if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
  await Promise.all(runs.map((run) => run.done));
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function tempDir(prefix) {
  return mkdtemp(join(tmpdir(), prefix));
}
