import { defineConfig } from 'vitest/config';

// Sized for a shared 2-core machine that may be busy with other work: at most two test processes
// (forks, not threads: TensorFlow.js wasm and the CLI spawns are heavy, and a forked worker that is
// starved of CPU still answers vitest's RPC, which is what failed with "Timeout calling onTaskUpdate"
// under threads at load ~9), and timeouts that leave room for a machine running at a third of its speed.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    poolOptions: { forks: { minForks: 1, maxForks: 2 } },
    // End-to-end files (test/) spawn the built CLI; start them first so they do not form the tail.
    sequence: { shuffle: false },
    testTimeout: 300_000,
    hookTimeout: 300_000,
    teardownTimeout: 60_000,
    slowTestThreshold: 10_000,
  },
});
