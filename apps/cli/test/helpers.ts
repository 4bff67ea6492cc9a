import { type ChildProcess, spawn } from 'node:child_process';

export const BIN = new URL('../dist/bin.js', import.meta.url).pathname;
export const SECRETS = { oauth: 'e2e-OAUTH-secret-123', project: 'e2e-PROJECT-secret-456' };

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Every byte any run printed, to check at the end that no secret ever appeared. */
export const allOutput: string[] = [];

export function startCli(
  args: string[],
  env: Record<string, string | undefined> = {},
  input?: string,
): { child: ChildProcess; done: Promise<CliRun> } {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  child.stdin!.end(input ?? '');
  const done = new Promise<CliRun>((resolve) =>
    child.once('close', (code) => {
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
