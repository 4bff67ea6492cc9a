/** Help, --version and usage errors load no command and none of the heavy packages: they are what start-up costs. */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from './helpers.js';

/** What only running a command may load: each would cost start-up time to every `--help`. */
const HEAVY = [
  /\/node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?(zod|yaml|openapi-fetch|csv-stringify|papaparse|pg|fastify)\//,
  /\/(workflow|client)\/dist\/index\.js$/,
  /\/(service|store-postgres)\/dist\//,
  // The commands themselves; the two constants modules the help quotes are meant to be light.
  /\/cli\/dist\/commands\/(?!recentDays\.js$|workerDefaults\.js$)/,
  /\/cli\/dist\/(errorCodeOf|config|openSession)\.js$/,
];

let dir: string;
let register: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mpgdpr-cold-'));
  // A loader hook that lists every module the run loads (one URL a line).
  await writeFile(
    join(dir, 'hooks.mjs'),
    `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(process.env.MODULES_LOG, url + '\\n');
  return next(url, context);
}`,
  );
  register = join(dir, 'register.mjs');
  await writeFile(
    register,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)});`,
  );
});

afterAll(() => rm(dir, { recursive: true, force: true }));

async function modulesLoadedBy(args: string[]): Promise<{ status: number | null; modules: string[] }> {
  const log = join(dir, `${args.join('_').replace(/\W/g, '')}.log`);
  const { status } = spawnSync(process.execPath, ['--import', register, BIN, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, MODULES_LOG: log },
    stdio: 'ignore',
  });
  return { status, modules: (await readFile(log, 'utf8')).trim().split('\n') };
}

describe('cold start', () => {
  it.each([
    [['--help'], 0],
    [['--version'], 0],
    [['delete', '--help'], 0],
    [['serve', '--help'], 0],
    [['keys', 'create', '--help'], 0],
    [['delete', '--bogus'], 2],
  ])('%j loads no command, nor the workflow, the client, zod or yaml', async (args, exitCode) => {
    const { status, modules } = await modulesLoadedBy(args);
    expect(status).toBe(exitCode);
    // Checks the hook saw the run at all: commander and the program are there.
    expect(modules.some((m) => m.endsWith('/cli/dist/program.js'))).toBe(true);
    expect(modules.filter((m) => HEAVY.some((heavy) => heavy.test(m)))).toEqual([]);
  });
});
