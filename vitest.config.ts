import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The resilience suite runs on its own (`npm run test:resilience`, vitest.resilience.config.ts).
    exclude: ['test/resilience/**', '**/node_modules/**'],
    // Integration tests start real engines with child processes pinned to the machine's cores; two files at a time
    // keep a 2-core machine responsive.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    teardownTimeout: 20_000,
  },
});
