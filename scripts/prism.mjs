// Starts Prism on loopback as a direct child node process (not an npx/pnpm
// wrapper, which would orphan the real server when killed) and waits for its
// "Prism is listening" line: Prism has no health endpoint.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
export const SPEC_PATH = fileURLToPath(new URL('../spec/mixpanel-gdpr.openapi.yml', import.meta.url));
/** Our own service's API (`spec/service.openapi.yml`). */
export const SERVICE_SPEC_PATH = fileURLToPath(new URL('../spec/service.openapi.yml', import.meta.url));
const PRISM_BIN = require.resolve('@stoplight/prism-cli/dist/index.js');

/** A free loopback port (tiny race between closing and Prism binding it; fine for tests). */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * @param {{ mode?: 'mock' | 'proxy', spec?: string, upstream?: string, port?: number, args?: string[], startTimeoutMs?: number, log?: (line: string) => void }} [options]
 * @returns {Promise<{ url: string, port: number, pid: number, output: () => string, stop: () => Promise<void> }>}
 */
export async function startPrism(options = {}) {
  const { mode = 'mock', spec = SPEC_PATH, upstream, args = [], startTimeoutMs = 60_000, log } = options;
  const port = options.port ?? (await freePort());
  const argv = [PRISM_BIN, mode, '-h', '127.0.0.1', '-p', String(port), ...args, spec];
  if (mode === 'proxy') argv.push(upstream);
  const child = spawn(process.execPath, argv, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  let output = '';
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => fail(new Error(`Prism did not start within ${startTimeoutMs} ms:\n${output}`)),
      startTimeoutMs,
    );
    const onData = (chunk) => {
      const text = chunk.toString();
      output += text;
      if (log) text.split('\n').filter(Boolean).forEach(log);
      if (output.includes('Prism is listening')) {
        clearTimeout(timer);
        resolve();
      }
    };
    const fail = (error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => fail(new Error(`Prism exited (${code}) before listening:\n${output}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
