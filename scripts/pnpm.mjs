// How a test runs pnpm. CI has no `pnpm` on PATH (it runs `npx -y pnpm@… test`),
// and a test started by hand (`npx vitest run …`) may not either. Under a pnpm
// script, npm_execpath is the very pnpm that runs us; otherwise npx fetches the
// version pinned in `packageManager`, so both paths use the same pnpm.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { promisify } from 'node:util';

const ROOT_MANIFEST = new URL('../package.json', import.meta.url);

/** `[command, ...args]` that runs the workspace's pnpm. */
export function pnpmCommand(env = process.env) {
  const execpath = env.npm_execpath;
  if (execpath && basename(execpath).startsWith('pnpm')) {
    // pnpm.cjs is run with this node; a standalone pnpm executable is run as it is.
    return /\.[cm]?js$/.test(execpath) ? [process.execPath, execpath] : [execpath];
  }
  const { packageManager } = JSON.parse(readFileSync(ROOT_MANIFEST, 'utf8'));
  // `packageManager` may carry a hash (`pnpm@10.34.9+sha512…`), which npx does not take.
  return ['npx', '-y', packageManager.split('+')[0]];
}

/** Runs pnpm with `args`; resolves to its output, rejects with it on a non-zero exit. */
export async function runPnpm(args, options = {}) {
  const [command, ...prefix] = pnpmCommand();
  return promisify(execFile)(command, [...prefix, ...args], { maxBuffer: 16 * 1024 * 1024, ...options });
}
