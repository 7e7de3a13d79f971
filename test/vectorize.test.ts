import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bnExp, manifest, tmp } from './helpers.js';

// A sweep that uses every kind of measurement at once: layer probes (with ICS), extra inference modes,
// a BN variant (Batch Renorm) and a shift; 2 seeds x 2 learning rates of one shape.
const config = `
name: grouped
seeds: 2
data: { features: 8, classes: 3, trainSize: 512, testSize: 256, teacher: { depth: 1, width: 16 }, shift: { kind: mean, amount: 1 } }
model: { depth: 2, width: 16, batchNorm: before, batchRenorm: { warmupSteps: 10, rampSteps: 10 } }
train: { optimizer: momentum, batchSize: 32, steps: 40, evalEvery: 10 }
probes: { every: 10, icsEvery: 20 }
eval: { modes: [moving, population, adabn] }
sweep:
  train.learningRate: [0.05, 0.2]
`;

describe('bn-exp run: vectorized by default', () => {
  it('groups a sweep with probes, eval modes, renorm and a shift (manifest: K > 1) and writes the bytes of --vectorize 1', async () => {
    const dir = tmp('bn-exp-vec-');
    const file = path.join(dir, 'grouped.yaml');
    writeFileSync(file, config);
    const one = path.join(dir, 'one');
    const auto = path.join(dir, 'auto');
    const flags = ['--backend', 'wasm', '--quiet', '--no-report'];
    const r1 = await bnExp(['run', file, '--out', one, '--vectorize', '1', ...flags]);
    expect(r1.stderr).toBe('');
    expect(r1.code).toBe(0);
    const ra = await bnExp(['run', file, '--out', auto, ...flags]); // default flags
    expect(ra.stderr).toBe('');
    expect(ra.code).toBe(0);
    expect(manifest(one).groupSizes).toEqual([1, 1, 1, 1]);
    const sizes = manifest(auto).groupSizes as number[];
    expect(Math.max(...sizes)).toBeGreaterThan(1); // the 4 runs share a step (2 workers: 2 groups of 2, 1 worker: one of 4)
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(4);
    for (const csv of ['curves.csv', 'layers.csv']) {
      const text = readFileSync(path.join(auto, csv), 'utf8');
      expect(text).toBe(readFileSync(path.join(one, csv), 'utf8'));
      expect(text.split('\n').length).toBeGreaterThan(10); // really written
    }
    const header = readFileSync(path.join(auto, 'curves.csv'), 'utf8').split('\n')[0]!;
    expect(header).toContain('population'); // the eval modes' columns
    expect(header).toContain('shifted'); // the shift's evaluation set
  }); // two CLI processes training: vitest.config.ts sizes the timeout for a loaded machine
});
