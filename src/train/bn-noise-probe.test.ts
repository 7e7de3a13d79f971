import { beforeAll, describe, expect, it } from 'vitest';
import { expandPlan } from '../plan/expand.js';
import { parseExperiment } from '../config/load.js';
import { Rng } from '../stats/rng.js';
import { generateDataset } from '../data/synthetic.js';
import { buildMlp, disposeMlp } from '../model/mlp.js';
import type { RunSpec } from '../types.js';
import { selectBackend } from './backend.js';
import { trainRun } from './loop.js';

/*
 * The BN-noise probe (bn_noise_mean) against an independent plain-JS float64 simulation of the same
 * network on the same weights and chunks: the training network's view normalizes every chunk of m
 * probe rows with its own statistics at every BN layer.
 */

function spec(m: number, probeSize: number, probes = '', model = ''): RunSpec {
  const yaml = `
name: bn-noise
seeds: [5]
data: { features: 20, classes: 2, trainSize: 256, testSize: ${probeSize}, teacher: { depth: 1, width: 16 } }
model: { depth: 2, width: 64, activation: relu, batchNorm: before${model} }
train: { optimizer: sgd, learningRate: 0.05, batchSize: ${m}, steps: 2, evalEvery: 2 }
probes: { every: 100, size: ${probeSize}${probes} }
`;
  return expandPlan(parseExperiment(yaml, 'bn-noise.yaml')).runs[0]!;
}

interface Layer {
  w: Float64Array; // [fanIn, width] row-major
  fanIn: number;
  width: number;
  gamma: Float64Array;
  beta: Float64Array;
}

/** The run's initial hidden layers (its init stream rebuilt), as float64 arrays. */
function initialLayers(s: RunSpec): Layer[] {
  const mlp = buildMlp(s.model, s.data.kind === 'synthetic' ? s.data.features : 0, 2, Rng.derive(s.seed, 'init'), s.resolved.bn);
  const layers = mlp.hidden.map((l) => ({
    w: Float64Array.from(l.w.dataSync()),
    fanIn: l.w.shape[1], // [K = 1, in, out]
    width: l.w.shape[2],
    gamma: Float64Array.from(l.bn!.gamma.dataSync()),
    beta: Float64Array.from(l.bn!.beta.dataSync()),
  }));
  disposeMlp(mlp);
  return layers;
}

/**
 * Each BN layer's input over `rows` rows of x, BN-before ReLU net without biases: `group` rows share
 * one set of BN statistics (m: the training view; rows: the whole probe set as one batch).
 */
function bnInputs(x: Float32Array, rows: number, layers: Layer[], eps: number, group: number): Float64Array[] {
  const out: Float64Array[] = [];
  let h = Float64Array.from(x.subarray(0, rows * layers[0]!.fanIn));
  for (const { w, fanIn, width, gamma, beta } of layers) {
    const z = new Float64Array(rows * width);
    for (let i = 0; i < rows; i++)
      for (let k = 0; k < fanIn; k++) {
        const hik = h[i * fanIn + k]!;
        for (let u = 0; u < width; u++) z[i * width + u]! += hik * w[k * width + u]!;
      }
    out.push(z);
    const next = new Float64Array(rows * width);
    for (let g0 = 0; g0 < rows; g0 += group)
      for (let u = 0; u < width; u++) {
        let mean = 0;
        for (let i = g0; i < g0 + group; i++) mean += z[i * width + u]!;
        mean /= group;
        let v = 0;
        for (let i = g0; i < g0 + group; i++) v += (z[i * width + u]! - mean) ** 2;
        const inv = 1 / Math.sqrt(v / group + eps);
        for (let i = g0; i < g0 + group; i++) next[i * width + u] = Math.max(0, gamma[u]! * (z[i * width + u]! - mean) * inv + beta[u]!);
      }
    h = next;
  }
  return out;
}

/** sqrt(mean over units of var over chunks (B − 1) of (μ_chunk − μ_set)/σ_set), σ_set biased. */
function level(z: Float64Array, rows: number, width: number, m: number): number {
  const chunks = rows / m;
  let total = 0;
  for (let u = 0; u < width; u++) {
    let mu = 0;
    for (let i = 0; i < rows; i++) mu += z[i * width + u]!;
    mu /= rows;
    let v = 0;
    for (let i = 0; i < rows; i++) v += (z[i * width + u]! - mu) ** 2;
    const sigma = Math.sqrt(v / rows);
    let ss = 0;
    for (let c = 0; c < chunks; c++) {
      let mc = 0;
      for (let i = c * m; i < (c + 1) * m; i++) mc += z[i * width + u]!;
      ss += ((mc / m - mu) / sigma) ** 2; // the deviations from the set mean sum to 0: no centring needed
    }
    total += ss / (chunks - 1);
  }
  return Math.sqrt(total / width);
}

describe('BN noise probe in the training network view', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('matches a float64 simulation with per-chunk statistics upstream; deeper layers are much quieter than 1/sqrt(m)', async () => {
    const m = 16;
    const n = 512;
    const s = spec(m, n);
    const data = generateDataset(s.data, s.seed, s.resolved.shifts);
    const r = await trainRun(s, data);
    const rows = r.layers!.filter((row) => row.step === 0 && row.kind === 'hidden');
    const layers = initialLayers(s);
    const training = bnInputs(data.test.x, n, layers, s.model.bnEpsilon, m).map((z, l) => level(z, n, layers[l]!.width, m));
    const wholeSet = bnInputs(data.test.x, n, layers, s.model.bnEpsilon, n).map((z, l) => level(z, n, layers[l]!.width, m));
    expect(rows).toHaveLength(2);
    rows.forEach((row, l) => {
      expect(Math.abs((row.bn_noise_mean as number) / training[l]! - 1)).toBeLessThan(1e-4);
      expect(row.bn_noise_pred).toBeCloseTo(1 / Math.sqrt(m), 12);
    });
    const scaled = training.map((v) => v * Math.sqrt(m));
    expect(scaled[0]).toBeGreaterThan(0.85); // the first BN layer sees i.i.d. chunks: 1/sqrt(m)
    expect(scaled[0]).toBeLessThan(1.15);
    expect(scaled[1]).toBeLessThan(0.5); // upstream normalization per chunk removes most of it
    // Normalizing upstream with the whole set's statistics (the old probe) reports the first layer's level again.
    expect(wholeSet[1]! * Math.sqrt(m)).toBeGreaterThan(0.8);
  });

  it.each([16, 64])('measured / predicted ~ 1 at the first BN layer on Gaussian inputs (m = %i)', async (m) => {
    const s = spec(m, 2048);
    const r = await trainRun(s, generateDataset(s.data, s.seed, s.resolved.shifts));
    const first = r.layers!.find((row) => row.step === 0 && row.layer === 1)!;
    expect(first.bn_noise_pred).toBeCloseTo(1 / Math.sqrt(m), 12);
    const ratio = (first.bn_noise_mean as number) / (first.bn_noise_pred as number);
    expect(ratio).toBeGreaterThan(0.9);
    expect(ratio).toBeLessThan(1.1);
  });

  it('works with probes.distribution: false (same values, no distribution columns)', async () => {
    const on = await trainRun(spec(16, 256), generateDataset(spec(16, 256).data, 5, spec(16, 256).resolved.shifts));
    const off = await trainRun(spec(16, 256, ', distribution: false'), generateDataset(spec(16, 256).data, 5, spec(16, 256).resolved.shifts));
    const noise = (rows: typeof on.layers): unknown[] => rows!.map((row) => [row.layer, row.bn_noise_mean, row.bn_noise_var, row.bn_noise_pred]);
    expect(noise(off.layers)).toEqual(noise(on.layers));
    for (const row of off.layers!.filter((x) => x.kind === 'hidden')) {
      expect(Number.isFinite(row.bn_noise_mean)).toBe(true);
      expect(row.pre_mean).toBeUndefined();
    }
    expect(off.probeSummary!.bn_noise_mean).toBe(on.probeSummary!.bn_noise_mean);
    expect(Number.isFinite(off.probeSummary!.bn_noise_mean)).toBe(true);
  });

  it('uses the rows of one BN statistic in training: ghost batches of 8 read like batches of 8; Batch Renorm per chunk', async () => {
    const step0 = async (s: RunSpec): Promise<unknown[]> => {
      const r = await trainRun(s, generateDataset(s.data, s.seed, s.resolved.shifts));
      return r.layers!.filter((row) => row.step === 0).map((row) => [row.layer, row.bn_noise_mean, row.bn_noise_pred]);
    };
    const plain8 = await step0(spec(8, 256));
    expect(await step0(spec(32, 256, '', ', ghostBatchSize: 8'))).toEqual(plain8);
    // Batch Renorm with its limits open from step 0 (moving statistics 0, 1; r, d unclipped) maps each
    // chunk by the fixed z/sqrt(1 + eps): no per-chunk normalization, so layer 2 keeps the full noise.
    const renorm = (await step0(spec(8, 256, '', ', batchRenorm: { warmupSteps: 0, rampSteps: 0 }'))) as number[][];
    const bn = plain8 as number[][];
    expect(renorm[0]![1]).toBeCloseTo(bn[0]![1]!, 6); // layer 1's input does not depend on any BN
    expect(bn[1]![1]! * Math.sqrt(8)).toBeLessThan(0.5);
    expect(renorm[1]![1]! * Math.sqrt(8)).toBeGreaterThan(0.8);
  });
});
