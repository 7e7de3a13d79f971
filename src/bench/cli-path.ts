import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout's root (from dist/bench/ or src/bench/) and its `bn-exp` executable, which benchmarks spawn as a user would. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = path.join(ROOT, 'bin', 'bn-exp.js');
