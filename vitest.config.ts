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
    // Each fork keeps its modules from one test file to the next: loading tfjs, zod, vega... once per fork
    // instead of once per file halves the suite's time (113 files). Tests restore what they change (spies,
    // chalk's level, the environment; test/in-process.ts does it for CLI commands run in process).
    isolate: false,
    testTimeout: 300_000,
    hookTimeout: 300_000,
    teardownTimeout: 60_000,
    slowTestThreshold: 10_000,
  },
});
