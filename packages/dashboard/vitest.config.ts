import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One browser and one service for the whole file: hooks start them once.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
