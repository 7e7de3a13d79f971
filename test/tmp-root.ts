import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * vitest globalSetup: every temporary folder of the suite (tests' result sets, spawned CLIs' files) goes in
 * one folder made for this run, removed when the run ends, so `npm test` leaves nothing in the machine's
 * temporary directory. TMPDIR is set before the test forks start, so they and every process they spawn
 * inherit it (os.tmpdir() reads it).
 */
export function setup(): () => void {
  const root = mkdtempSync(path.join(os.tmpdir(), 'bn-exp-suite-'));
  const before = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    rmSync(root, { recursive: true, force: true });
  };
}
