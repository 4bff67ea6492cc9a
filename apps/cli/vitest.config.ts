import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The shared-store tests (workers on PostgreSQL) need a real server: DATABASE_URL, or a throwaway one.
    globalSetup: ['test/postgresSetup.ts'],
    setupFiles: ['test/setup/stopStartedClis.ts'],
    testTimeout: 120_000,
    hookTimeout: 90_000,
  },
});
