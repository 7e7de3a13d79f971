import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expandPlan } from '../config/expand.js';
import { parseExperiment } from '../config/load.js';
import { generateDataset } from '../data/synthetic.js';
import type { RunResult, RunSpec } from '../types.js';
import { selectBackend } from './backend.js';
import { trainRun } from './loop.js';
import { trainGroup } from './vectorized.js';

const base = `
name: vec
seeds: [1]
data: { features: 8, classes: 3, trainSize: 256, testSize: 128, teacher: { depth: 1, width: 8 } }
model: { depth: 3, width: 16, batchNorm: before }
train: { optimizer: sgd, learningRate: 0.05, batchSize: 32, steps: 60, evalEvery: 20 }
`;

/** One run of the base experiment with overrides (seed, learning rate, ...). */
function spec(overrides: string[]): RunSpec {
  return expandPlan(parseExperiment(base, 'vec.yaml', overrides)).runs[0]!;
}

/** Largest absolute difference of any loss or accuracy between two curves with the same steps. */
function curveDiff(a: RunResult, b: RunResult): number {
  expect(a.curve.map((r) => r.step)).toEqual(b.curve.map((r) => r.step));
  let worst = 0;
  a.curve.forEach((ra, i) => {
    const rb = b.curve[i]!;
    for (const [split, m] of Object.entries(ra.metrics)) {
      const o = rb.metrics[split]!;
      worst = Math.max(worst, Math.abs(m.loss - o.loss), Math.abs(m.acc - o.acc));
    }
  });
  return worst;
}

async function compareWithSolo(specs: RunSpec[]): Promise<{ group: RunResult[]; solo: RunResult[]; diffs: number[] }> {
  const data = specs.map((s) => generateDataset(s.data, s.seed));
  const group = await trainGroup(specs, data);
  const solo: RunResult[] = [];
  for (const [i, s] of specs.entries()) solo.push(await trainRun(s, data[i]!));
  return { group, solo, diffs: solo.map((r, i) => curveDiff(r, group[i]!)) };
}

describe('trainGroup', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it.each([
    { name: 'sgd, BN before', extra: [] },
    { name: 'momentum, BN off, dropout', extra: ['train.optimizer=momentum', 'model.batchNorm=off', 'model.dropout=0.2'] },
    { name: 'adam, BN after', extra: ['train.optimizer=adam', 'model.batchNorm=after'] },
  ])('$name: equals three separate runs', async ({ extra }) => {
    const specs = [
      spec([...extra, 'seeds=[1]', 'train.learningRate=0.05']),
      spec([...extra, 'seeds=[2]', 'train.learningRate=0.1', 'model.bnMomentum=0.9']),
      spec([...extra, 'seeds=[3]', 'train.learningRate=0.02', 'train.momentum=0.5']),
    ];
    const { group, solo, diffs } = await compareWithSolo(specs);
    console.log(diffs);
    group.forEach((g, i) => {
      expect(g.status).toBe(solo[i]!.status);
      expect(g.steps).toBe(solo[i]!.steps);
    });
    expect(Math.max(...diffs)).toBeLessThan(1e-4);
  });
});
