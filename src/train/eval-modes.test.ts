import { tf } from '../tf.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { EvalSchema, ModelSchema } from '../config/schema.js';
import { bnChoiceOf } from '../config/resolve.js';
import { Rng } from '../stats/rng.js';
import { buildMlp, disposeMlp, estimateBnStats, forwardBatchStats, forwardInfer, type Mlp } from '../model/mlp.js';
import { selectBackend } from './backend.js';
import { batchOrder, ModeEvaluator, onlineMoments, populationMoments } from './eval-modes.js';
import { toEvalSet, type EvalSet } from './evaluate.js';
import { maxAbsDiff, randn } from '../testing/numeric.js';



/** A small BN model with random γ, β and moving statistics (so no mode coincides by accident). */
function model(overrides: Record<string, unknown>, features: number, classes: number, seed: number): Mlp {
  const config = ModelSchema.parse({ depth: 2, width: 6, ...overrides });
  const mlp = buildMlp(config, features, classes, Rng.derive(seed, 'init'), bnChoiceOf(config));
  const rng = Rng.derive(seed, 'bn-params');
  for (const bn of [mlp.inputBn, ...mlp.hidden.map((l) => l.bn)]) {
    if (!bn) continue;
    const k = bn.gamma.shape[2]; // [K = 1, 1, units]
    bn.gamma.assign(tf.tensor3d(randn(rng, k, 1, 0.3), [1, 1, k]));
    bn.beta.assign(tf.tensor3d(randn(rng, k, 0, 0.5), [1, 1, k]));
    bn.movingMean.assign(tf.tensor3d(randn(rng, k), [1, 1, k]));
    bn.movingVar.assign(tf.tensor3d(randn(rng, k, 2, 0.5).map(Math.abs), [1, 1, k]));
  }
  return mlp;
}

/** Rows x cols matrix product in float64 (row-major). */
function matMul(a: Float64Array, b: ArrayLike<number>, rows: number, inner: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      let s = 0;
      for (let p = 0; p < inner; p++) s += a[i * inner + p]! * (b[p * cols + j] as number);
      out[i * cols + j] = s;
    }
  }
  return out;
}

/** Ioffe Alg. 2 statistics of z [rows, k] over consecutive batches of m, in float64. */
function algorithm2(z: Float64Array, rows: number, k: number, m: number): { mean: number[]; variance: number[] } {
  const mean: number[] = [];
  const variance: number[] = [];
  const batches = rows / m;
  for (let j = 0; j < k; j++) {
    let total = 0;
    let varSum = 0;
    for (let b = 0; b < batches; b++) {
      let mu = 0;
      for (let i = 0; i < m; i++) mu += z[(b * m + i) * k + j]!;
      mu /= m;
      let v = 0;
      for (let i = 0; i < m; i++) v += (z[(b * m + i) * k + j]! - mu) ** 2;
      total += mu;
      varSum += v / m; // biased σ²_B
    }
    mean.push(total / batches);
    variance.push(((m / (m - 1)) * varSum) / batches); // unbiased: m/(m−1)·E_B[σ²_B]
  }
  return { mean, variance };
}

function evalSet(name: string, xs: Float32Array, ys: Int32Array, features: number, classes: number): EvalSet {
  return toEvalSet(name, { x: xs, y: ys, n: ys.length, features }, classes, ys.length, true);
}

describe('inference modes', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('population statistics equal Alg. 2 over the batches, layer by layer (Bessel factor m/(m−1))', () => {
    const f = 3;
    const m = 6;
    const rows = 4 * m;
    const mlp = model({ batchNorm: 'before' }, f, 2, 1);
    const xs = randn(Rng.derive(1, 'x'), rows * f, 1, 2);
    const stats = estimateBnStats(mlp, tf.tensor2d(xs, [rows, f]), (t) => populationMoments(t, m));
    // Plain-JS reference: layer 1 on the inputs; layer 2 on layer 1 normalized with its population statistics.
    const eps = mlp.config.bnEpsilon;
    let h = Float64Array.from(xs);
    let fanIn = f;
    mlp.hidden.forEach((layer, l) => {
      const k = layer.w.shape[2];
      const z = matMul(h, layer.w.dataSync(), rows, fanIn, k);
      const ref = algorithm2(z, rows, k, m);
      const got = stats.hidden[l]!;
      expect(maxAbsDiff(got.mean.dataSync(), ref.mean)).toBeLessThan(1e-4);
      expect(maxAbsDiff(got.variance.dataSync(), ref.variance) / Math.max(...ref.variance)).toBeLessThan(1e-4);
      const gamma = layer.bn!.gamma.dataSync();
      const beta = layer.bn!.beta.dataSync();
      h = z.map((v, i) => {
        const j = i % k;
        return Math.max(0, (gamma[j]! * (v - ref.mean[j]!)) / Math.sqrt(ref.variance[j]! + eps) + beta[j]!);
      });
      fanIn = k;
    });
    disposeMlp(mlp);
  });

  it("AdaBN's online merge gives the exact mean and biased variance of all rows", () => {
    const rows = 50;
    const k = 4;
    const xs = randn(Rng.derive(2, 'adabn'), rows * k, -2, 3);
    for (const chunk of [1, 8, 64]) {
      const got = onlineMoments(tf.tensor2d(xs, [rows, k]), chunk);
      for (let j = 0; j < k; j++) {
        let mu = 0;
        for (let i = 0; i < rows; i++) mu += xs[i * k + j]!;
        mu /= rows;
        let v = 0;
        for (let i = 0; i < rows; i++) v += (xs[i * k + j]! - mu) ** 2;
        v /= rows;
        expect(got.mean.dataSync()[j]!).toBeCloseTo(mu, 4);
        expect(got.variance.dataSync()[j]! / v).toBeCloseTo(1, 4);
      }
    }
  });

  it('moving-mode predictions do not depend on the test batch size', () => {
    const f = 5;
    const n = 21;
    const mlp = model({ batchNorm: 'before', inputBatchNorm: true }, f, 3, 3);
    const x = tf.tensor2d(randn(Rng.derive(3, 'x'), n * f), [n, f]);
    const whole = forwardInfer(mlp, x).dataSync();
    for (const size of [1, 7]) {
      const parts = tf.split(x, n / size).map((c) => forwardInfer(mlp, c as tf.Tensor2D));
      expect(maxAbsDiff(tf.concat(parts).dataSync(), whole)).toBeLessThan(1e-5);
    }
    disposeMlp(mlp);
  });

  it.each([
    { name: 'BN before the activation', model: { batchNorm: 'before' } },
    { name: 'BN after the activation', model: { batchNorm: 'after' } },
    { name: 'BN on the inputs only', model: { inputBatchNorm: true } },
  ])('batch of one with batch statistics: the output no longer depends on the input ($name)', ({ model: cfg }) => {
    const f = 4;
    const n = 10;
    const mlp = model(cfg, f, 3, 4);
    const x = tf.tensor2d(randn(Rng.derive(4, 'x'), n * f, 0, 3), [n, f]);
    const logits = forwardBatchStats(mlp, x, 1).arraySync();
    for (const row of logits) expect(maxAbsDiff(row, logits[0]!)).toBeLessThan(1e-5);
    // With the moving statistics (or batches of 2) the inputs matter.
    const moving = forwardInfer(mlp, x).arraySync();
    expect(maxAbsDiff(moving[1]!, moving[0]!)).toBeGreaterThan(1e-3);
    const pairs = forwardBatchStats(mlp, x, 2).arraySync();
    expect(maxAbsDiff(pairs[1]!, pairs[0]!)).toBeGreaterThan(1e-3);
    disposeMlp(mlp);
  });

  it('test batches: a seeded shuffle (i.i.d.) or class-sorted, padded to whole batches by wrapping around', () => {
    const labels = Int32Array.from([2, 0, 1, 0, 2, 1, 1, 0, 2, 0]);
    const iid = batchOrder(labels, 4, 'iid', Rng.derive(5, 'b'));
    expect([...iid.order].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Array.from(iid.rows)).toEqual([...iid.order, iid.order[0], iid.order[1]]);
    const sorted = batchOrder(labels, 4, 'sorted', Rng.derive(5, 'b'));
    expect(Array.from(sorted.order, (i) => labels[i])).toEqual([0, 0, 0, 0, 1, 1, 1, 2, 2, 2]);
    // Inside a class, the shuffled order is kept.
    const zerosIid = Array.from(iid.order).filter((i) => labels[i] === 0);
    expect(Array.from(sorted.order.subarray(0, 4))).toEqual(zerosIid);
    expect(sorted.rows).toHaveLength(12);
  });

  it('evaluator: one test batch holding the whole set equals AdaBN; moving statistics untouched; no leaks', async () => {
    const f = 4;
    const classes = 3;
    const n = 40;
    const rng = Rng.derive(6, 'data');
    const mlp = model({ batchNorm: 'before', inputBatchNorm: true }, f, classes, 6);
    const trainX = tf.tensor2d(randn(rng, 96 * f), [96, f]);
    const test = evalSet('test', randn(rng, n * f, 0.5, 1.5), Int32Array.from({ length: n }, () => rng.int(classes)), f, classes);
    const cfg = EvalSchema.parse({ modes: ['moving', 'population', 'adabn', { batch: n }, { batch: 1 }, { batch: 8, order: 'sorted' }] });
    const movingBefore = mlp.hidden.map((l) => Array.from(l.bn!.movingVar.dataSync()));
    const before = tf.memory().numTensors;
    const ev = new ModeEvaluator(mlp, cfg, [test], trainX, 16, 6);
    const got = await ev.evaluate();
    ev.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(Object.keys(got)).toEqual(['test@population', 'test@adabn', `test@batch${n}-iid`, 'test@batch1-iid', 'test@batch8-sorted']);
    expect(got[`test@batch${n}-iid`]!.loss).toBeCloseTo(got['test@adabn']!.loss, 4);
    expect(got[`test@batch${n}-iid`]!.acc).toBe(got['test@adabn']!.acc);
    expect(got['test@population']!.loss).not.toBeCloseTo(got['test@adabn']!.loss, 3);
    expect(mlp.hidden.map((l) => Array.from(l.bn!.movingVar.dataSync()))).toEqual(movingBefore);
    tf.dispose([trainX, test.x, test.y, test.onehot]);
    disposeMlp(mlp);
  });
});
