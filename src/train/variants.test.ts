import { tf } from '../tf.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { expandPlan } from '../plan/expand.js';
import { parseExperiment } from '../config/load.js';
import { ModelSchema, NoisySchema } from '../config/schema.js';
import { oneHot } from '../data/onehot.js';
import { Rng } from '../stats/rng.js';
import { generateDataset } from '../data/synthetic.js';
import { drawNoise } from '../model/bn/noisy.js';
import { buildMlp, disposeMlp, forwardInfer, forwardTrain } from '../model/mlp.js';
import type { Dataset, RunSpec } from '../types.js';
import { selectBackend } from './backend.js';
import { trainRun } from './loop.js';
import { makeOptimizer } from './optimizer.js';
import { makeTrainStep } from './step.js';

function spec(model: string, extra = '', overrides: string[] = []): RunSpec {
  const yaml = `
name: variants
seeds: [5]
data: { features: 8, classes: 3, trainSize: 512, testSize: 300, teacher: { depth: 1, width: 16 } }
model: { depth: 2, width: 16, ${model} }
train: { optimizer: momentum, learningRate: 0.05, batchSize: 32, steps: 40, evalEvery: 20 }
${extra}
`;
  return expandPlan(parseExperiment(yaml, 'variants.yaml', overrides)).runs[0]!;
}

const data = (s: RunSpec): Dataset => generateDataset(s.data, s.seed, s.resolved.shifts);

describe('BN variants in training runs', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('AdaBN on an exactly affine-shifted copy of the test set restores the unshifted accuracy', async () => {
    const s = spec('batchNorm: before', 'eval: { modes: [adabn] }', ['train.steps=200', 'train.evalEvery=200']);
    const d = data(s);
    // Contrast and brightness change of the inputs, x' = 0.5x + 3: at the first BN layer z' = 0.5z + 3·colsum(W),
    // a positive per-unit affine map, which re-estimated statistics undo (up to ε).
    d.extra.shifted = { ...d.test, x: d.test.x.map((v) => 0.5 * v + 3) };
    const r = await trainRun(s, d);
    const m = r.curve.at(-1)!.metrics;
    expect(m.test!.acc).toBeGreaterThan(0.75);
    expect(m.shifted!.acc).toBeLessThan(m.test!.acc - 0.2); // moving statistics: the shift hurts
    expect(Math.abs(m['shifted@adabn']!.acc - m['test@adabn']!.acc)).toBeLessThanOrEqual(1 / 300);
    expect(Math.abs(m['shifted@adabn']!.acc - m.test!.acc)).toBeLessThan(0.03);
  });

  it('noisy BN acts only in training, is deterministic per seed, and also runs without BN (the control)', async () => {
    const plain = spec('batchNorm: before');
    const noisy = spec('batchNorm: before, noisyBN: true');
    const a = await trainRun(noisy, data(noisy));
    const b = await trainRun(noisy, data(noisy));
    expect(b.curve).toEqual(a.curve);
    const p = await trainRun(plain, data(plain));
    expect(a.curve[0]).toEqual(p.curve[0]); // the untrained network evaluates the same: no noise at inference
    expect(a.curve.at(-1)!.metrics.train!.loss).not.toBe(p.curve.at(-1)!.metrics.train!.loss); // training differs
    const other = spec('batchNorm: before, noisyBN: true', '', ['seeds=[6]']);
    const c = await trainRun(other, data(other));
    expect(c.curve.at(-1)).not.toEqual(a.curve.at(-1));
    const control = spec('batchNorm: off, noisyBN: true');
    const r = await trainRun(control, data(control));
    expect(r.status).toBe('ok');
  });

  it('noisy-BN noise follows Santurkar et al.: shift within μ_t ± 0.1, scale ~ N(σ_t, 0.1²), per layer and step', () => {
    const mlp = buildMlp(ModelSchema.parse({ depth: 1, width: 50, batchNorm: 'before' }), 4, 2, Rng.derive(1, 'init'), { kind: 'standard' });
    const cfg = NoisySchema.parse({});
    const rng = Rng.derive(1, 'noise');
    const steps = [0, 1].map(() => drawNoise([50], 40, [cfg], [rng])[0]!);
    const means = steps.map((z) => {
      const shift = z.shift.dataSync();
      const scale = z.scale.dataSync();
      const lo = Math.min(...shift);
      const hi = Math.max(...shift);
      expect(hi - lo).toBeLessThanOrEqual(0.2 + 1e-6); // one μ_t per layer and step
      expect(Math.abs((hi + lo) / 2)).toBeLessThan(0.5 + 0.1);
      const mean = scale.reduce((s, v) => s + v, 0) / scale.length;
      const sd = Math.sqrt(scale.reduce((s, v) => s + (v - mean) ** 2, 0) / scale.length);
      expect(mean).toBeGreaterThan(1 - 0.02);
      expect(mean).toBeLessThan(1.25 + 0.02);
      expect(sd).toBeCloseTo(0.1, 1);
      return (hi + lo) / 2;
    });
    expect(means[0]).not.toBeCloseTo(means[1]!, 3); // redrawn every step
    // In a forward pass: training output changes, inference output is the noiseless map.
    const x = tf.tensor2d(Rng.derive(2, 'x').fillNormal(new Float32Array(40 * 4)), [40, 4]);
    const clean = forwardTrain(mlp, x).dataSync();
    const noisy = forwardTrain(mlp, x, { noise: [steps[0]] }).dataSync();
    expect(Array.from(noisy)).not.toEqual(Array.from(clean));
    expect(forwardInfer(mlp, x).shape).toEqual([40, 2]);
    disposeMlp(mlp);
  });

  it.each([
    { trainOnly: 'bn', output: false },
    { trainOnly: 'bn+output', output: true },
  ] as const)('trainOnly $trainOnly: the hidden weights stay at their initial values, γ and β train', ({ trainOnly, output }) => {
    const mlp = buildMlp(ModelSchema.parse({ depth: 2, width: 8, batchNorm: 'before', trainOnly }), 4, 3, Rng.derive(3, 'init'), { kind: 'standard' });
    const w0 = mlp.hidden.map((l) => Array.from(l.w.dataSync()));
    const out0 = Array.from(mlp.out.w.dataSync());
    const opt = makeOptimizer([{ optimizer: 'sgd', learningRate: 0.1, momentum: 0 }]);
    const step = makeTrainStep(mlp, opt);
    const rng = Rng.derive(3, 'data');
    const x = tf.tensor3d(rng.fillNormal(new Float32Array(16 * 4)), [1, 16, 4]);
    const y = tf.tensor3d(oneHot(Int32Array.from({ length: 16 }, () => rng.int(3)), 3), [1, 16, 3]);
    for (let i = 0; i < 3; i++) step(x, y);
    expect(mlp.hidden.map((l) => Array.from(l.w.dataSync()))).toEqual(w0);
    const outMoved = Array.from(mlp.out.w.dataSync()).some((v, i) => v !== out0[i]);
    expect(outMoved).toBe(output);
    expect(Array.from(mlp.hidden[0]!.bn!.gamma.dataSync()).some((g) => g !== 1)).toBe(true);
    tf.dispose([x, y]);
    opt.dispose();
    disposeMlp(mlp);
  });

  it('probes leave training unchanged with variants (renorm, noise, input BN, BN-only training); no leaks', async () => {
    const variants = [
      'batchNorm: before, batchRenorm: { warmupSteps: 5, rampSteps: 10 }, noisyBN: true, inputBatchNorm: true',
      'batchNorm: before, ghostBatchSize: 8, trainOnly: bn+output, dropout: 0.1',
    ];
    const probes = 'probes: { every: 10, size: 100, icsEvery: 20, landscapeEvery: 20 }';
    const evalModes = 'eval: { modes: [population, adabn, { batch: 4, order: sorted }], curves: false }';
    for (const model of variants) {
      const plain = spec(model, evalModes);
      const probed = spec(model, `${probes}\n${evalModes}`);
      const d = data(plain);
      await trainRun(plain, d); // warm-up: backends allocate lazily
      const before = tf.memory().numTensors;
      const a = await trainRun(plain, d);
      expect(tf.memory().numTensors).toBe(before);
      const b = await trainRun(probed, d);
      expect(b.curve).toEqual(a.curve);
      expect(b.layers!.length).toBe(4 * 3);
      expect(a.gammaSmallFrac).toBeGreaterThanOrEqual(0);
      // Extra modes only at the final evaluation (curves: false).
      expect(Object.keys(a.curve[0]!.metrics)).toEqual(['train', 'test']);
      expect(Object.keys(a.curve.at(-1)!.metrics)).toContain('test@batch4-sorted');
    }
  });
});
