import { defineConfig } from 'vitest/config';

// Sized for a shared 2-core machine that may be busy with other work: two forked test processes, and
// timeouts that leave room for a machine running at a fraction of its speed.
// vitest's own worker <-> main RPC has a fixed 60 s deadline (vitest 3 has no option for it): a test
// worker whose event loop is blocked that long (a synchronous spawn of the CLI, a long synchronous
// computation) fails the run with `Timeout calling "onTaskUpdate"` although every test passed. So the tests
// never spawn synchronously (test/helpers.ts), CLI commands run in process await their work (training
// runs in worker threads), and the tests that must load tfjs in this process keep their steps small.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Every temporary folder of the run in one folder, removed at the end (test/tmp-root.ts).
    globalSetup: ['test/tmp-root.ts'],
    pool: 'forks',
    // Two forks, always both: a third was slower on a loaded 2-core machine (164 s against 126 s, minutes
    // apart), and a pool that stops idle forks once ended a run whose tests had all passed with an
    // unhandled "Terminating worker thread" (minForks 1, maxForks 3).
    poolOptions: { forks: { minForks: 2, maxForks: 2 } },
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
