import { defineConfig } from 'vitest/config';

// Sized for a shared 2-core machine that may be busy with other work: two forked test processes (vitest
// picks one on 2 cores), and timeouts that leave room for a machine running at a fraction of its speed.
// (The "Timeout calling onTaskUpdate" failure under load came from tests that spawned the CLI
// synchronously: a worker blocked for over a minute missed vitest's RPC deadline. test/helpers.ts spawns
// asynchronously.)
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    poolOptions: { forks: { minForks: 1, maxForks: 2 } },
    testTimeout: 300_000,
    hookTimeout: 300_000,
    teardownTimeout: 60_000,
    slowTestThreshold: 10_000,
  },
});
