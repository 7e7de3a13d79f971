import { tf } from '../tf.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { expandPlan } from '../plan/expand.js';
import { parseExperiment } from '../config/load.js';
import { generateDataset } from '../data/synthetic.js';
import type { RunSpec } from '../types.js';
import { selectBackend } from './backend.js';
import { trainRun } from './loop.js';

/** A tiny experiment: a few hundred steps on a small task. */
function tinySpec(overrides: string[] = []): RunSpec {
  const yaml = `
name: tiny
seeds: [7]
data: { features: 8, classes: 2, trainSize: 256, testSize: 128, teacher: { depth: 1, width: 8 } }
model: { depth: 3, width: 16, batchNorm: before, dropout: 0.1 }
train: { optimizer: momentum, learningRate: 0.05, batchSize: 32, steps: 60, evalEvery: 20 }
`;
  return expandPlan(parseExperiment(yaml, 'tiny.yaml', overrides)).runs[0]!;
}

describe('trainRun', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('is deterministic: the same spec and seed give identical curves', async () => {
    const spec = tinySpec();
    const a = await trainRun(spec, generateDataset(spec.data, spec.seed, spec.resolved.shifts));
    const b = await trainRun(spec, generateDataset(spec.data, spec.seed, spec.resolved.shifts));
    expect(a.curve).toEqual(b.curve);
    const other = tinySpec(['seeds=[8]']);
    const c = await trainRun(other, generateDataset(other.data, other.seed, other.resolved.shifts));
    expect(c.curve).not.toEqual(a.curve);
  });

  it('evaluates at step 0, every evalEvery steps and at the end, and learns', async () => {
    const spec = tinySpec(['train.steps=50']);
    const r = await trainRun(spec, generateDataset(spec.data, spec.seed, spec.resolved.shifts));
    expect(r.status).toBe('ok');
    expect(r.steps).toBe(50);
    expect(r.curve.map((e) => e.step)).toEqual([0, 20, 40, 50]);
    expect(r.curve.at(-1)!.epoch).toBeCloseTo(50 / 8); // 256/32 = 8 steps per epoch
    expect(r.curve.at(-1)!.metrics.train!.loss).toBeLessThan(r.curve[0]!.metrics.train!.loss);
  });

  it('leaks no tensors', async () => {
    const spec = tinySpec(['train.steps=20']);
    const data = generateDataset(spec.data, spec.seed, spec.resolved.shifts);
    await trainRun(spec, data); // warm-up: backends allocate lazily
    const before = tf.memory().numTensors;
    const during: number[] = [];
    await trainRun({ ...spec, train: { ...spec.train, steps: 100, evalEvery: 10 } }, data, {
      onEval: (rec) => {
        if (rec.step > 0) during.push(tf.memory().numTensors);
      },
    });
    expect(new Set(during).size).toBe(1); // flat across steps
    expect(tf.memory().numTensors).toBe(before);
  });

  it('releases every tensor when setting up or a hook throws', async () => {
    const spec = tinySpec(['probes={ every: 10, size: 64 }']);
    const data = generateDataset(spec.data, spec.seed, spec.resolved.shifts);
    const before = tf.memory().numTensors;
    // An extra evaluation set whose values do not fill its shape: the model, the optimizer and the first
    // evaluation sets exist by the time it throws.
    const broken = { ...data, extra: { bad: { ...data.test, x: data.test.x.subarray(1) } } };
    await expect(trainRun(spec, broken)).rejects.toThrow();
    expect(tf.memory().numTensors).toBe(before);
    await expect(
      trainRun(spec, data, {
        onTrained: () => {
          throw new Error('hook');
        },
      }),
    ).rejects.toThrow('hook');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('records divergence as data, not a crash', async () => {
    const spec = tinySpec(['model.batchNorm=off', 'model.depth=6', 'train.optimizer=sgd', 'train.learningRate=1e4']);
    const r = await trainRun(spec, generateDataset(spec.data, spec.seed, spec.resolved.shifts));
    expect(r.status).toBe('diverged');
    expect(r.steps).toBeLessThan(60);
    expect(r.curve.at(-1)!.step).toBe(r.steps);
  });
});
