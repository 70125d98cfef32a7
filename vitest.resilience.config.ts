import { defineConfig } from 'vitest/config';

// `npm run test:resilience`: long runs under load and faults. One file at a time: each one loads both cores itself.
export default defineConfig({
  test: {
    include: ['test/resilience/**/*.test.ts'],
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
  },
});
