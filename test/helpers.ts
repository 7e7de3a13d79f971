// Shared by the end-to-end tests: run the built CLI (npm test builds dist/ first) as a user would, spawned
// (always asynchronously) or in process (bnExpIn, in-process.ts) where the process itself is not under test.
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCsv } from '../src/record/csv.js';

export { bnExpIn } from './in-process.js';

/** The repository root. */
export const root = fileURLToPath(new URL('..', import.meta.url));
/** The CLI entry point. */
export const bin = path.join(root, 'bin', 'bn-exp.js');
/** A shipped experiment file. */
export const experiment = (name: string): string => path.join(root, 'experiments', name);

/** What a CLI process left behind. */
export type Result = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string };

/** Options of a process: extra environment, working folder, a kill deadline in ms. */
export type SpawnOptions = { env?: NodeJS.ProcessEnv; cwd?: string; timeout?: number };

/**
 * Start `bn-exp args` without waiting. Always asynchronous: a synchronous spawn blocks the test
 * worker's event loop, and a worker blocked for over a minute misses vitest's RPC deadline
 * ("Timeout calling onTaskUpdate") although every test passed.
 */
export function bnExpAsync(args: string[], opts: SpawnOptions = {}): { child: ChildProcess; done: Promise<Result> } {
  return spawnAsync(process.execPath, [bin, ...args], opts);
}

/** Run `bn-exp args` to its end. */
export function bnExp(args: string[], opts: SpawnOptions = {}): Promise<Result> {
  return bnExpAsync(args, opts).done;
}

/** Run any program to its end, asynchronously (see bnExpAsync for why). */
export function run(file: string, args: string[], opts: SpawnOptions = {}): Promise<Result> {
  return spawnAsync(file, args, opts).done;
}

function spawnAsync(file: string, args: string[], opts: SpawnOptions): { child: ChildProcess; done: Promise<Result> } {
  const child = spawn(file, args, { cwd: opts.cwd ?? root, env: { ...process.env, FORCE_COLOR: '0', ...opts.env }, timeout: opts.timeout });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Result>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

/** A fresh temporary folder. */
export const tmp = (prefix = 'bn-exp-test-'): string => mkdtempSync(path.join(os.tmpdir(), prefix));
/** The rows of a CSV file of a results folder. */
export const rows = (dir: string, file: string): Record<string, string>[] => parseCsv(readFileSync(path.join(dir, file), 'utf8'));
/** A results folder's manifest.json. */
export const manifest = (dir: string): Record<string, unknown> => JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
/** runs.csv without the wall-clock column (it differs on every run). */
export const noWall = (dir: string): Record<string, string>[] => rows(dir, 'runs.csv').map(({ wall_s: _, ...rest }) => rest);

// ---- for the reliability tests: copies of a small real result set, and folder snapshots ----

/** The committed CI baseline: a small real result set (2 cells x 4 seeds) to copy and damage. */
export const committed = path.join(root, 'results', 'baselines', 'ci-baseline');

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

/**
 * Flags of a headless Debian chromium on a closed network: no background connections (refused here, many
 * at a time), a fresh profile, console messages on stderr.
 */
export function chromiumFlags(profile: string): string[] {
  return [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    `--user-data-dir=${profile}`,
    '--enable-logging=stderr',
    '--v=0',
  ];
}
