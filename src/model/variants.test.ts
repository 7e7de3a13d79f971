import { tf } from '../tf.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelSchema, RenormSchema } from '../config/schema.js';
import { bnChoiceOf } from '../config/resolve.js';
import { Rng } from '../stats/rng.js';
import { selectBackend } from '../train/backend.js';
import { buildMlp, disposeMlp, trainableVariables } from './mlp.js';
import { batchNormGhost, ghostBn } from './bn/ghost.js';
import { bnVariantOf } from './bn/registry.js';
import { batchRenormTrain, renormLimits } from './bn/renorm.js';
import { batchNormTrain } from './bn/standard.js';
import type { BatchMoments } from './ops.js';
import { maxAbsDiff, randn } from '../testing/numeric.js';



/** Value and (dx, dγ, dβ) of Σ dy ⊙ f(x, γ, β). */
function valueAndGrads(
  f: (x: tf.Tensor2D, g: tf.Tensor1D, b: tf.Tensor1D) => tf.Tensor,
  x: tf.Tensor2D,
  g: tf.Tensor1D,
  b: tf.Tensor1D,
  dy: tf.Tensor2D,
): Float32Array[] {
  const value = f(x, g, b).dataSync() as Float32Array;
  const grads = tf.grads((a: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) =>
    tf.sum(tf.mul(dy, f(a as tf.Tensor2D, gg as tf.Tensor1D, bb as tf.Tensor1D))),
  )([x, g, b]);
  return [value, ...grads.map((t) => t.dataSync() as Float32Array)];
}

describe.each(['cpu', 'wasm'] as const)('BN variants on %s', (backend) => {
  beforeAll(async () => {
    await selectBackend(backend);
  });

  const eps = 1e-3;
  const k = 5;

  it('ghost BN equals BN applied to each chunk separately (values, gradients, moments)', () => {
    const rng = Rng.derive(1, 'ghost');
    const m = 12;
    const group = 4;
    const x = tf.tensor2d(randn(rng, m * k, 1, 2), [m, k]);
    const dy = tf.tensor2d(randn(rng, m * k), [m, k]);
    const gamma = tf.tensor1d(randn(rng, k, 1, 0.5));
    const beta = tf.tensor1d(randn(rng, k));
    let moments: BatchMoments | undefined;
    const ghost = valueAndGrads((a, g, b) => batchNormGhost(a, g, b, eps, group, (mo) => (moments = mo)), x, gamma, beta, dy);
    // Reference: per-chunk batchNormTrain, concatenated; the loss is the sum over chunks.
    const perChunk = (a: tf.Tensor2D, g: tf.Tensor1D, b: tf.Tensor1D): tf.Tensor =>
      tf.concat(tf.split(a, m / group).map((c) => batchNormTrain(c as tf.Tensor2D, g, b, eps)));
    const ref = valueAndGrads(perChunk, x, gamma, beta, dy);
    for (let i = 0; i < 4; i++) expect(maxAbsDiff(ghost[i]!, ref[i]!)).toBeLessThan(1e-5);
    expect(moments!.mean.shape).toEqual([m / group, k]);
    const chunk1 = tf.moments(tf.slice(x, [group, 0], [group, k]), 0);
    expect(maxAbsDiff(tf.slice(moments!.mean, [1, 0], [1, k]).dataSync(), chunk1.mean.dataSync())).toBeLessThan(1e-6);
    expect(maxAbsDiff(tf.slice(moments!.variance, [1, 0], [1, k]).dataSync(), chunk1.variance.dataSync())).toBeLessThan(1e-5);
    tf.dispose([moments!.mean, moments!.variance]);
  });

  it('batch renorm with r = 1, d = 0 (rMax = 1, dMax = 0) equals BN: values and gradients', () => {
    const rng = Rng.derive(2, 'renorm-bn');
    const m = 16;
    const x = tf.tensor2d(randn(rng, m * k, 2, 3), [m, k]);
    const dy = tf.tensor2d(randn(rng, m * k), [m, k]);
    const gamma = tf.tensor1d(randn(rng, k, 1, 0.5));
    const beta = tf.tensor1d(randn(rng, k));
    // Moving statistics far from the batch's: the limits alone force r = 1, d = 0.
    const mm = tf.tensor1d(randn(rng, k, -3, 1));
    const mv = tf.tensor1d(randn(rng, k, 5, 1).map(Math.abs));
    const renorm = valueAndGrads((a, g, b) => batchRenormTrain(a, g, b, mm, mv, eps, { rMax: 1, dMax: 0 }), x, gamma, beta, dy);
    const bn = valueAndGrads((a, g, b) => batchNormTrain(a, g, b, eps), x, gamma, beta, dy);
    for (let i = 0; i < 4; i++) expect(maxAbsDiff(renorm[i]!, bn[i]!)).toBeLessThan(1e-5);
  });

  it('batch renorm equals autodiff of the plain formula with r, d as constants (stop-gradient)', () => {
    const rng = Rng.derive(3, 'renorm');
    const m = 16;
    const xs = randn(rng, m * k, 0.5, 2);
    const x = tf.tensor2d(xs, [m, k]);
    const dy = tf.tensor2d(randn(rng, m * k), [m, k]);
    const gamma = tf.tensor1d(randn(rng, k, 1, 0.5));
    const beta = tf.tensor1d(randn(rng, k));
    const mmJs = randn(rng, k, 0, 1);
    const mvJs = randn(rng, k, 2, 1.5).map(Math.abs);
    const limits = { rMax: 1.5, dMax: 0.5 };
    // r and d in plain JS (float64) from the batch moments, clipped: constants for autodiff.
    const r = new Float32Array(k);
    const d = new Float32Array(k);
    let clippedR = 0;
    let clippedD = 0;
    for (let j = 0; j < k; j++) {
      let mu = 0;
      for (let i = 0; i < m; i++) mu += xs[i * k + j]!;
      mu /= m;
      let v = 0;
      for (let i = 0; i < m; i++) v += (xs[i * k + j]! - mu) ** 2;
      v /= m;
      const sigma = Math.sqrt(mvJs[j]! + eps);
      const rr = Math.sqrt(v + eps) / sigma;
      const dd = (mu - mmJs[j]!) / sigma;
      r[j] = Math.min(limits.rMax, Math.max(1 / limits.rMax, rr));
      d[j] = Math.min(limits.dMax, Math.max(-limits.dMax, dd));
      if (r[j] !== rr) clippedR++;
      if (d[j] !== dd) clippedD++;
    }
    expect(clippedR + clippedD).toBeGreaterThan(0); // the clipping is exercised
    const plain = (a: tf.Tensor2D, g: tf.Tensor1D, b: tf.Tensor1D): tf.Tensor => {
      const { mean, variance } = tf.moments(a, 0);
      const xhat = tf.div(tf.sub(a, mean), tf.sqrt(tf.add(variance, eps)));
      return tf.add(tf.mul(g, tf.add(tf.mul(xhat, tf.tensor1d(r)), tf.tensor1d(d))), b);
    };
    const ours = valueAndGrads(
      (a, g, b) => batchRenormTrain(a, g, b, tf.tensor1d(mmJs), tf.tensor1d(mvJs), eps, limits),
      x,
      gamma,
      beta,
      dy,
    );
    const ref = valueAndGrads(plain, x, gamma, beta, dy);
    for (let i = 0; i < 4; i++) expect(maxAbsDiff(ours[i]!, ref[i]!)).toBeLessThan(1e-4);
  });

  it('identity (Ioffe & Szegedy Sec. 3): with γ = sqrt(σ²_B + ε) and β = μ_B, BN(x) = x', () => {
    const rng = Rng.derive(4, 'identity');
    const m = 32;
    const x = tf.tensor2d(randn(rng, m * k, 3, 2), [m, k]);
    const { mean, variance } = tf.moments(x, 0);
    const y = batchNormTrain(x, tf.sqrt(tf.add(variance, eps)) as tf.Tensor1D, mean as tf.Tensor1D, eps);
    expect(maxAbsDiff(y.dataSync(), x.dataSync())).toBeLessThan(1e-5);
  });

  it('moving statistics: ghost BN makes one EMA update per ghost batch; renorm keeps an EMA of σ', () => {
    const config = ModelSchema.parse({ batchNorm: 'before', bnMomentum: 0.9 });
    const mlp = buildMlp({ ...config, depth: 1, width: k }, 3, 2, Rng.derive(5, 'init'), { kind: 'standard' });
    const bn = mlp.hidden[0]!.bn!;
    const stats = [
      [1, 2, 3, 4, 5],
      [-1, 0, 1, 2, 3],
      [2, 2, 2, 2, 2],
    ];
    const vars = [
      [1, 1, 2, 2, 3],
      [0.5, 0.5, 0.5, 0.5, 0.5],
      [4, 3, 2, 1, 0],
    ];
    const ghost = ghostBn([mlp.config], 2);
    tf.tidy(() => ghost.updateMoving(bn, { mean: tf.tensor3d([stats]), variance: tf.tensor3d([vars]), chunks: 3 })); // [K = 1, chunks, W]
    const expMean = [0, 0, 0, 0, 0];
    const expVar = [1, 1, 1, 1, 1];
    for (let c = 0; c < 3; c++) {
      for (let j = 0; j < k; j++) {
        expMean[j] = 0.9 * expMean[j]! + 0.1 * stats[c]![j]!;
        expVar[j] = 0.9 * expVar[j]! + 0.1 * vars[c]![j]!;
      }
    }
    expect(maxAbsDiff(bn.movingMean.dataSync(), expMean)).toBeLessThan(1e-6);
    expect(maxAbsDiff(bn.movingVar.dataSync(), expVar)).toBeLessThan(1e-6);
    const renorm = bnVariantOf([mlp.config], bnChoiceOf({ ...mlp.config, batchRenorm: true }));
    expect(renorm.name).toBe('renorm');
    tf.tidy(() => renorm.updateMoving(bn, { mean: tf.tensor3d([[stats[0]!]]), variance: tf.tensor3d([[vars[0]!]]) }));
    const sigma = expVar.map((v, j) => 0.9 * Math.sqrt(v + 1e-3) + 0.1 * Math.sqrt(vars[0]![j]! + 1e-3));
    expect(maxAbsDiff(bn.movingVar.dataSync(), sigma.map((s) => s * s - 1e-3))).toBeLessThan(1e-5);
    disposeMlp(mlp);
  });
});

describe('model variant settings', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it('renorm limits: 1 and 0 during warm-up, then linear ramps to rMax, dMax', () => {
    const cfg = RenormSchema.parse({ rMax: 3, dMax: 5, warmupSteps: 100, rampSteps: 200 });
    expect(renormLimits(cfg, 0)).toEqual({ rMax: 1, dMax: 0 });
    expect(renormLimits(cfg, 99)).toEqual({ rMax: 1, dMax: 0 });
    expect(renormLimits(cfg, 200)).toEqual({ rMax: 2, dMax: 2.5 });
    expect(renormLimits(cfg, 300)).toEqual({ rMax: 3, dMax: 5 });
    expect(renormLimits(cfg, 10_000)).toEqual({ rMax: 3, dMax: 5 });
    expect(renormLimits({ ...cfg, rampSteps: 0 }, 100)).toEqual({ rMax: 3, dMax: 5 });
  });

  it.each([
    { trainOnly: 'all', bnScale: true, bnCenter: true, count: 10 },
    { trainOnly: 'all', bnScale: false, bnCenter: true, count: 7 },
    { trainOnly: 'bn', bnScale: true, bnCenter: true, count: 6 },
    { trainOnly: 'bn', bnScale: true, bnCenter: false, count: 3 },
    { trainOnly: 'bn+output', bnScale: true, bnCenter: true, count: 8 },
    { trainOnly: 'output', bnScale: true, bnCenter: true, count: 2 },
  ] as const)('trains $trainOnly (γ $bnScale, β $bnCenter): $count variables', ({ trainOnly, bnScale, bnCenter, count }) => {
    // Input BN (γ, β), 2 hidden layers with BN before (W, γ, β; no bias), output (W, b): 10 in all.
    const config = ModelSchema.parse({ depth: 2, width: 4, batchNorm: 'before', inputBatchNorm: true, trainOnly, bnScale, bnCenter });
    const mlp = buildMlp(config, 3, 2, Rng.derive(6, 'init'), { kind: 'standard' });
    expect(trainableVariables(mlp)).toHaveLength(count);
    disposeMlp(mlp);
  });

  it('input BN draws no random numbers: the weights equal those of the same model without it', () => {
    const a = buildMlp(ModelSchema.parse({ depth: 2, width: 4 }), 3, 2, Rng.derive(7, 'init'), { kind: 'standard' });
    const b = buildMlp(ModelSchema.parse({ depth: 2, width: 4, inputBatchNorm: true }), 3, 2, Rng.derive(7, 'init'), { kind: 'standard' });
    expect(Array.from(b.hidden[1]!.w.dataSync())).toEqual(Array.from(a.hidden[1]!.w.dataSync()));
    expect(Array.from(b.out.w.dataSync())).toEqual(Array.from(a.out.w.dataSync()));
    disposeMlp(a);
    disposeMlp(b);
  });
});
