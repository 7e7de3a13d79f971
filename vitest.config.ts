import { defineConfig } from 'vitest/config';

// Several tests spawn the CLI and train for a few seconds; on a busy 2-core machine the 5 s default
// timeout fails them spuriously (vitest requires a default export here).
export default defineConfig({ test: { testTimeout: 60_000 } });
