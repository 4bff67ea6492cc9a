import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

export const BIN = new URL('../dist/bin.js', import.meta.url).pathname;
export const SECRETS = { oauth: 'e2e-OAUTH-secret-123', project: 'e2e-PROJECT-secret-456' };

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Every byte any run printed, to check at the end that no secret ever appeared. */
export const allOutput: string[] = [];

/** Every CLI process started and not yet ended. */
const running = new Set<ChildProcess>();

/**
 * Kills what a test left running (`test/setup/stopStartedClis.ts` calls it after each file): a test that
 * timed out never reached its own cleanup, and its workers would otherwise run on after the suite.
 */
export async function stopStartedClis(): Promise<void> {
  const left = [...running];
  for (const child of left) child.kill('SIGKILL');
  await Promise.all(
    left.map((child) => (child.exitCode !== null || child.signalCode !== null ? undefined : once(child, 'close'))),
  );
}

export function startCli(
  args: string[],
  env: Record<string, string | undefined> = {},
  input?: string,
): { child: ChildProcess; done: Promise<CliRun> } {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  child.stdin!.end(input ?? '');
  const done = new Promise<CliRun>((resolve) =>
    child.once('close', (code) => {
      running.delete(child);
      allOutput.push(stdout, stderr);
      resolve({ code, stdout, stderr });
    }),
  );
  return { child, done };
}

export const runCli = (args: string[], env: Record<string, string | undefined> = {}, input?: string) =>
  startCli(args, env, input).done;

export const ndjson = (text: string) =>
  text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

/** The address a `serve` process prints once listening. */
export function listeningUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const look = (chunk: Buffer) => {
      seen += chunk;
      const match = /serving (http:\/\/127\.0\.0\.1:\d+)/.exec(seen);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on('data', look);
    child.stderr!.on('data', look);
    child.once('close', (code) => reject(new Error(`serve exited (${code}) before listening:\n${seen}`)));
  });
}
