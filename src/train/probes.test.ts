import { tf } from '../tf.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { expandPlan } from '../plan/expand.js';
import { parseExperiment } from '../config/load.js';
import { Rng } from '../stats/rng.js';
import { generateDataset } from '../data/synthetic.js';
import { buildMlp, disposeMlp } from '../model/mlp.js';
import type { RunSpec } from '../types.js';
import { selectBackend } from './backend.js';
import { trainRun } from './loop.js';

function spec(bn: 'off' | 'before', probes: string): RunSpec {
  const yaml = `
name: probes
seeds: [3]
data: { features: 8, classes: 3, trainSize: 512, testSize: 256, teacher: { depth: 1, width: 16 } }
model: { depth: 3, width: 24, activation: tanh, batchNorm: ${bn}, dropout: 0.1 }
train: { optimizer: momentum, learningRate: 0.1, batchSize: 32, steps: 40, evalEvery: 20 }
${probes}
`;
  return expandPlan(parseExperiment(yaml, 'probes.yaml')).runs[0]!;
}

const ALL = 'probes: { every: 10, size: 128, icsEvery: 20, landscapeEvery: 20 }';

describe('layer probes', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it.each(['off', 'before'] as const)('leave training unchanged (BN %s)', async (bn) => {
    const plain = spec(bn, '');
    const probed = spec(bn, ALL);
    expect(probed.id).toBe(plain.id); // probes are not part of the run id
    const a = await trainRun(plain, generateDataset(plain.data, plain.seed, plain.resolved.shifts));
    const before = tf.memory().numTensors;
    const b = await trainRun(probed, generateDataset(probed.data, probed.seed, probed.resolved.shifts));
    expect(tf.memory().numTensors).toBe(before); // every probe (ICS and landscape too) leaves nothing behind
    expect(b.curve).toEqual(a.curve);
    expect(b.layers!.length).toBe(4 * 4); // probes at steps 0, 10, 20, 30 x (3 hidden + output)
    expect(b.landscape!.map((r) => r.step)).toEqual([0, 20]);
  });

  it('post-BN pre-activations with γ=1, β=0 have per-unit mean ~0 and std ~1 on the probe set', async () => {
    const s = spec('before', 'probes: { every: 10, size: 128 }');
    const r = await trainRun(s, generateDataset(s.data, s.seed, s.resolved.shifts));
    const first = r.layers!.filter((row) => row.step === 0 && row.kind === 'hidden');
    expect(first).toHaveLength(3);
    for (const row of first) {
      expect(Math.abs(row.pre_mean as number)).toBeLessThan(1e-5);
      expect(Math.abs(row.pre_mean_med as number)).toBeLessThan(1e-5);
      expect(row.pre_std as number).toBeGreaterThan(0.98); // sqrt(var/(var+ε)) with ε = 1e-3
      expect(row.pre_std as number).toBeLessThanOrEqual(1);
      expect(row.gamma_mean).toBe(1);
      expect(row.beta_std).toBe(0);
      // BN noise std((μ_chunk − μ_set)/σ_set) over 4 chunks of 32, predicted 1/sqrt(32) for i.i.d. inputs.
      expect(row.bn_noise_pred).toBeCloseTo(1 / Math.sqrt(32), 9);
      expect(row.bn_noise_mean as number).toBeGreaterThan(0);
    }
    // The first BN layer sees i.i.d. chunks (deeper ones see upstream layers' chunk normalization).
    expect(first[0]!.bn_noise_mean as number).toBeGreaterThan(0.5 * (first[0]!.bn_noise_pred as number));
    expect(first[0]!.bn_noise_mean as number).toBeLessThan(1.5 * (first[0]!.bn_noise_pred as number));
    // Without BN nothing pins them: the same layers are not standardized.
    const off = spec('off', 'probes: { every: 10, size: 128 }');
    const r2 = await trainRun(off, generateDataset(off.data, off.seed, off.resolved.shifts));
    const stds = r2.layers!.filter((row) => row.step === 0 && row.kind === 'hidden').map((row) => row.pre_std as number);
    expect(stds.some((v) => Math.abs(v - 1) > 0.05)).toBe(true);
  });

  it('training signals agree with each other: plain SGD moves W by exactly lr x its gradient', async () => {
    const yaml = `
name: probes
seeds: [3]
data: { features: 8, classes: 3, trainSize: 512, testSize: 256, teacher: { depth: 1, width: 16 } }
model: { depth: 3, width: 24, activation: tanh, batchNorm: before }
train: { optimizer: sgd, learningRate: 0.1, batchSize: 32, steps: 40, evalEvery: 20 }
probes: { every: 10, set: batch }
`;
    const s = expandPlan(parseExperiment(yaml, 'probes.yaml')).runs[0]!;
    const before = tf.memory().numTensors;
    const r = await trainRun(s, generateDataset(s.data, s.seed, s.resolved.shifts));
    expect(tf.memory().numTensors).toBe(before);
    expect(r.layers!.length).toBe(4 * 4);
    // At step 0, ||W|| is the norm of the initial weights: the same model built again from the run's init stream.
    const mlp = buildMlp(s.model, 8, 3, Rng.derive(s.seed, 'init'), s.resolved.bn);
    const initial = [...mlp.hidden.map((l) => l.w), mlp.out.w].map((w) => tf.norm(w).dataSync()[0]!);
    disposeMlp(mlp);
    const first = r.layers!.filter((row) => row.step === 0).map((row) => row.w_norm as number);
    first.forEach((norm, i) => expect(norm).toBeCloseTo(initial[i]!, 4));
    for (const row of r.layers!) {
      const moved = (row.update_ratio as number) * (row.w_norm as number); // ||W_{t+1} − W_t||
      expect(moved / (0.1 * (row.grad_norm as number))).toBeCloseTo(1, 4);
      if (row.kind === 'hidden') {
        expect(row.bn_var_ratio as number).toBeGreaterThan(0);
        expect(row.bn_mean_gap as number).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it('gradient ICS is exactly 0 for the first layer (no earlier layer moved) and measured deeper', async () => {
    const s = spec('before', ALL);
    const r = await trainRun(s, generateDataset(s.data, s.seed, s.resolved.shifts));
    const ics = r.layers!.filter((row) => row.step === 20);
    expect(ics.find((row) => row.layer === 1)!.ics_l2).toBe(0);
    expect(ics.find((row) => row.layer === 1)!.ics_cos).toBeCloseTo(1, 6);
    const deeper = ics.filter((row) => (row.layer as number) > 1);
    for (const row of deeper) {
      expect(row.ics_l2 as number).toBeGreaterThan(0);
      expect(row.ics_cos as number).toBeLessThanOrEqual(1 + 1e-6);
    }
    // Rows at non-ICS probe steps have no ICS values.
    expect(r.layers!.find((row) => row.step === 10)!.ics_l2).toBeUndefined();
  });

  it('landscape rows are consistent: band = max − min, β-smoothness > 0', async () => {
    const s = spec('off', ALL);
    const r = await trainRun(s, generateDataset(s.data, s.seed, s.resolved.shifts));
    for (const row of r.landscape!) {
      expect(row.loss_band).toBeCloseTo((row.loss_max as number) - (row.loss_min as number), 9);
      expect(row.loss_min as number).toBeLessThanOrEqual(row.loss_max as number);
      expect(row.beta_smoothness as number).toBeGreaterThan(0);
    }
    const summary = r.probeSummary!;
    expect(Number.isFinite(summary.drift_last_layer)).toBe(true);
    expect(summary.ics_cos_mean).toBeLessThanOrEqual(1 + 1e-6);
    expect(Number.isNaN(summary.bn_noise_mean)).toBe(true); // no BN layer
  });
});
