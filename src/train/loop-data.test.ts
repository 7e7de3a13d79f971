import { tf } from '../tf.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { expandPlan } from '../plan/expand.js';
import { parseExperiment } from '../config/load.js';
import { generateDataset } from '../data/synthetic.js';
import type { RunSpec } from '../types.js';
import { selectBackend } from './backend.js';
import { trainRun } from './loop.js';

// The training loop with the data-side options: non-i.i.d. batch orders, drift phases, extra shift sets.
function spec(overrides: string[] = []): RunSpec {
  const yaml = `
name: tiny
seeds: [3]
data: { features: 6, classes: 3, trainSize: 240, testSize: 120, teacher: { depth: 1, width: 8 },
        shift: [{ kind: mean, amount: 1 }, { name: flip, kind: signflip }] }
model: { depth: 2, width: 16, batchNorm: before }
train: { optimizer: momentum, learningRate: 0.05, batchSize: 24, steps: 40, evalEvery: 20 }
`;
  return expandPlan(parseExperiment(yaml, 'tiny.yaml', overrides)).runs[0]!;
}

describe('trainRun with data options', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('evaluates every shift set by name', async () => {
    const s = spec();
    const r = await trainRun(s, generateDataset(s.data, s.seed, s.resolved.shifts));
    expect(Object.keys(r.curve.at(-1)!.metrics)).toEqual(['train', 'test', 'mean', 'flip']);
  });

  it.each(['sorted', 'clustered'])('batching %s trains deterministically and differs from iid', async (batching) => {
    const s = spec([`train.batching=${batching}`]);
    const a = await trainRun(s, generateDataset(s.data, s.seed, s.resolved.shifts));
    const b = await trainRun(s, generateDataset(s.data, s.seed, s.resolved.shifts));
    expect(a.status).toBe('ok');
    expect(a.curve).toEqual(b.curve);
    const iid = spec();
    expect((await trainRun(iid, generateDataset(iid.data, iid.seed, iid.resolved.shifts))).curve).not.toEqual(a.curve);
  });

  it('drift changes the training data over the run and leaks no tensors', async () => {
    const s = spec(['data.drift={to: {kind: mean, amount: 3}, phases: 4}']);
    const data = generateDataset(s.data, s.seed, s.resolved.shifts);
    expect(data.trainPhases).toHaveLength(4);
    const before = tf.memory().numTensors;
    const drifted = await trainRun(s, data);
    expect(tf.memory().numTensors).toBe(before);
    const still = spec();
    expect(drifted.curve.at(-1)).not.toEqual((await trainRun(still, generateDataset(still.data, still.seed, still.resolved.shifts))).curve.at(-1));
  });

  it('a training set smaller than one batch is an error, not an endless loop', async () => {
    const s = spec();
    const data = generateDataset(s.data, s.seed, s.resolved.shifts);
    const tiny = { ...data, train: { ...data.train, n: 10, x: data.train.x.subarray(0, 60), y: data.train.y.subarray(0, 10) } };
    await expect(trainRun(s, tiny)).rejects.toThrow('the training set has 10 examples, fewer than train.batchSize (24)');
  });
});
