import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// End to end: `plan --calibrate` on mnist data with evalEvery longer than the 100 steps calibration used
// to time (mnist-fig1 has 250), so every shortened run failed and plan printed "unknown". Shortened to 150
// steps, evalEvery 150, on 30 + 10 images per digit to keep it short. Spawned: calibration loads tfjs
// and selects a backend, which the unit tests sharing this test worker must not see.
const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = path.join(root, 'bin', 'bn-exp.js');

describe('plan --calibrate on mnist', () => {
  it('prints an estimated time', async () => {
    const r = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const args = [
        bin, 'plan', path.join(root, 'experiments', 'mnist-fig1.yaml'), '--calibrate', '--backend', 'wasm',
        '--set', 'train.steps=150', '--set', 'train.evalEvery=150', '--set', 'probes.every=150',
        '--set', 'data.trainPerClass=30', '--set', 'data.testPerClass=10', '--set', 'probes.size=100', '--set', 'train.evalTrainSize=100',
      ];
      execFile(process.execPath, args, { cwd: root, encoding: 'utf8', timeout: 300_000 }, (err, stdout, stderr) =>
        resolve({ status: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
      );
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/estimated time: \d+:\d\d with 1 worker \(from a calibration on wasm/);
    expect(r.stdout).not.toContain('unknown');
  });
});
