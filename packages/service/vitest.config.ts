import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // Each test starts its own service (spec loaded, schemas compiled): seconds when the machine is busy.
    hookTimeout: 60_000,
  },
});
