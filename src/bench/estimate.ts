import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CLI, ROOT } from './cli-path.js';

// `npm run bench -- --only estimate`: how honest `bn-exp plan` is. For each worker count, `plan --calibrate`
// is run, then the real `run` of the same config, both as a user would (fresh processes), and the
// estimate is printed beside the measured wall time. Measured, never asserted: timing is machine-bound.


/** One comparison: plan's estimate and the actual wall time of `run`, in seconds. */
export interface EstimateRow {
  workers: number;
  estimateSeconds: number;
  actualSeconds: number;
  calibrateSeconds: number;
}

function cli(args: string[]): { stdout: string; seconds: number } {
  const t0 = performance.now();
  const out = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
  const seconds = (performance.now() - t0) / 1000;
  if (out.status !== 0) throw new Error(`bn-exp ${args.join(' ')} exited ${out.status}: ${out.stderr}`);
  return { stdout: out.stdout, seconds };
}

/** Plan (calibrated) then run `config` with each worker count; the results folder is temporary. */
export function benchEstimate(config: string, backend: string, workerCounts: readonly number[]): EstimateRow[] {
  const rows: EstimateRow[] = [];
  const dir = mkdtempSync(path.join(tmpdir(), 'bn-exp-estimate-'));
  try {
    for (const workers of workerCounts) {
      const plan = cli(['plan', config, '--calibrate', '--json', '--backend', backend, '--workers', String(workers)]);
      const estimate = (JSON.parse(plan.stdout) as { estimate: { seconds: number | null } }).estimate.seconds;
      if (estimate === null) throw new Error(`bn-exp plan ${config} gave no estimate`);
      const out = path.join(dir, `w${workers}`);
      const run = cli(['run', config, '--backend', backend, '--workers', String(workers), '--out', out, '--force', '--quiet']);
      rows.push({ workers, estimateSeconds: estimate, actualSeconds: run.seconds, calibrateSeconds: plan.seconds });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
