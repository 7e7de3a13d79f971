// Helpers of the end-to-end tests: spawn the built CLI (dist/, built by `npx tsc` first) as a user would.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));
const bin = path.join(root, 'bin', 'bn-exp.js');
/** The committed CI baseline: a small real result set (2 cells x 4 seeds) to copy and damage. */
export const committed = path.join(root, 'results', 'baselines', 'ci-baseline');

/** Run `bn-exp args...` and collect its exit code and output. */
export function bnExp(args: string[], cwd = root): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A fresh temporary folder. */
export const tmpDir = (): string => mkdtempSync(path.join(os.tmpdir(), 'bn-exp-e2e-'));

/** A copy of the committed result set in a fresh folder. */
export function copyResults(name = 'set'): string {
  const dir = path.join(tmpDir(), name);
  cpSync(committed, dir, { recursive: true });
  return dir;
}

/** Every file under `dir` with its size and mtime: equal snapshots mean nothing was written. */
export function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(`${path.relative(dir, p)} ${statSync(p).size} ${statSync(p).mtimeMs} ${readFileSync(p).length}`);
    }
  };
  walk(dir);
  return out.sort();
}
