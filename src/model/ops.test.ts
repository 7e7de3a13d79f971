import { tf } from '../tf.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { oneHot } from '../data/onehot.js';
import { Rng } from '../stats/rng.js';
import { selectBackend } from '../train/backend.js';
import { batchNormTrain } from './bn/standard.js';
import { linear, linearFromData, softmaxCrossEntropy, type BatchMoments } from './ops.js';
import { maxAbsDiff, randn } from '../testing/numeric.js';



/**
 * The backward pass of Ioffe & Szegedy (2015) Sec. 3, written out "before simplification" in float64
 * plain JS, as an independent reference (docs/science.md#bn-transform-and-conventions). Returns dx [m, k], dgamma [k], dbeta [k].
 */
function paperBackward(x: Float32Array, dy: Float32Array, gamma: Float32Array, m: number, k: number, eps: number) {
  const dx = new Float64Array(m * k);
  const dgamma = new Float64Array(k);
  const dbeta = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let mu = 0;
    for (let i = 0; i < m; i++) mu += x[i * k + j]!;
    mu /= m;
    let v = 0;
    for (let i = 0; i < m; i++) v += (x[i * k + j]! - mu) ** 2;
    v /= m; // biased, as Alg. 1
    const inv = 1 / Math.sqrt(v + eps);
    const dxhat = (i: number): number => dy[i * k + j]! * gamma[j]!;
    let dVar = 0;
    for (let i = 0; i < m; i++) dVar += dxhat(i) * (x[i * k + j]! - mu) * -0.5 * (v + eps) ** -1.5;
    let dMu = 0;
    let sumCentered = 0;
    for (let i = 0; i < m; i++) {
      dMu += dxhat(i) * -inv;
      sumCentered += -2 * (x[i * k + j]! - mu);
    }
    dMu += (dVar * sumCentered) / m;
    for (let i = 0; i < m; i++) {
      const c = x[i * k + j]! - mu;
      dx[i * k + j] = dxhat(i) * inv + (dVar * 2 * c) / m + dMu / m;
      dgamma[j] += dy[i * k + j]! * c * inv;
      dbeta[j] += dy[i * k + j]!;
    }
  }
  return { dx, dgamma, dbeta };
}

describe.each(['cpu', 'wasm'] as const)('model ops on %s', (backend) => {
  beforeAll(async () => {
    await selectBackend(backend);
  });

  const m = 16;
  const k = 5;
  const eps = 1e-3;

  it('BN forward in training mode equals tf.layers.batchNormalization(training=true)', () => {
    const rng = Rng.derive(1, 'bn-forward');
    const x = tf.tensor2d(randn(rng, m * k, 3, 2), [m, k]);
    const gamma = tf.tensor1d(randn(rng, k, 1, 0.3));
    const beta = tf.tensor1d(randn(rng, k));
    const layer = tf.layers.batchNormalization({ epsilon: eps, momentum: 0.99 });
    layer.build([m, k]);
    layer.setWeights([gamma, beta, tf.zeros([k]), tf.ones([k])]);
    const ref = layer.apply(x, { training: true }) as tf.Tensor;
    const ours = batchNormTrain(x as tf.Tensor2D, gamma, beta, eps);
    expect(maxAbsDiff(ours.dataSync(), ref.dataSync())).toBeLessThan(1e-5);
    // By construction: with γ=1, β=0 the output has per-unit batch mean 0 and (biased) std ~1.
    const unit = batchNormTrain(x as tf.Tensor2D, tf.ones([k]), tf.zeros([k]), eps);
    const { mean, variance } = tf.moments(unit, 0);
    expect(maxAbsDiff(mean.dataSync(), new Float32Array(k))).toBeLessThan(1e-5);
    for (const v of variance.dataSync()) expect(v).toBeGreaterThan(0.99);
  });

  it('BN forward in inference mode equals tf.layers.batchNormalization(training=false)', () => {
    const rng = Rng.derive(2, 'bn-infer');
    const x = tf.tensor2d(randn(rng, m * k, -1, 3), [m, k]);
    const gamma = tf.tensor1d(randn(rng, k, 1, 0.3));
    const beta = tf.tensor1d(randn(rng, k));
    const mmean = tf.tensor1d(randn(rng, k));
    const mvar = tf.tensor1d(randn(rng, k, 2, 0.5).map(Math.abs));
    const layer = tf.layers.batchNormalization({ epsilon: eps });
    layer.build([m, k]);
    layer.setWeights([gamma, beta, mmean, mvar]);
    const ref = layer.apply(x, { training: false }) as tf.Tensor;
    const ours = tf.batchNorm(x, mmean, mvar, beta, gamma, eps);
    expect(maxAbsDiff(ours.dataSync(), ref.dataSync())).toBeLessThan(1e-5);
  });

  it('BN gradient equals the backward formulas of Ioffe & Szegedy Sec. 3', () => {
    const rng = Rng.derive(3, 'bn-grad');
    const xs = randn(rng, m * k, 0.5, 1.5);
    const dys = randn(rng, m * k);
    const gs = randn(rng, k, 1, 0.5);
    const x = tf.tensor2d(xs, [m, k]);
    const dy = tf.tensor2d(dys, [m, k]);
    const gamma = tf.tensor1d(gs);
    const beta = tf.zeros([k]) as tf.Tensor1D;
    // Loss = Σ dy ⊙ BN(x), so ∂loss/∂y = dy.
    const grads = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(dy, batchNormTrain(a as tf.Tensor2D, g as tf.Tensor1D, b as tf.Tensor1D, eps))),
    )([x, gamma, beta]);
    const ref = paperBackward(xs, dys, gs, m, k, eps);
    const scale = Math.max(...Array.from(ref.dx, Math.abs));
    expect(maxAbsDiff(grads[0]!.dataSync(), ref.dx) / scale).toBeLessThan(1e-4);
    expect(maxAbsDiff(grads[1]!.dataSync(), ref.dgamma)).toBeLessThan(1e-4);
    expect(maxAbsDiff(grads[2]!.dataSync(), ref.dbeta)).toBeLessThan(1e-4);
  });

  it('BN gradient equals autodiff of BN built from tf.moments', () => {
    const rng = Rng.derive(4, 'bn-autodiff');
    const x = tf.tensor2d(randn(rng, m * k, 2, 0.7), [m, k]);
    const dy = tf.tensor2d(randn(rng, m * k), [m, k]);
    const gamma = tf.tensor1d(randn(rng, k, 1, 0.5));
    const beta = tf.tensor1d(randn(rng, k));
    const plain = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Tensor => {
      const { mean, variance } = tf.moments(a, 0);
      return tf.add(tf.mul(tf.div(tf.sub(a, mean), tf.sqrt(tf.add(variance, eps))), g), b);
    };
    const ours = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(dy, batchNormTrain(a as tf.Tensor2D, g as tf.Tensor1D, b as tf.Tensor1D, eps))),
    )([x, gamma, beta]);
    const auto = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(dy, plain(a, g, b))))([x, gamma, beta]);
    for (let i = 0; i < 3; i++) expect(maxAbsDiff(ours[i]!.dataSync(), auto[i]!.dataSync())).toBeLessThan(1e-4);
  });

  it('hands the biased batch moments to its caller', () => {
    const x = tf.tensor2d([1, 10, 3, 20, 5, 30, 7, 40], [4, 2]);
    let got: BatchMoments | undefined;
    batchNormTrain(x, tf.ones([2]), tf.zeros([2]), eps, (mo) => (got = mo));
    expect(Array.from(got!.mean.dataSync())).toEqual([4, 25]);
    expect(Array.from(got!.variance.dataSync())).toEqual([5, 125]); // divides by m, not m−1
    tf.dispose([got!.mean, got!.variance]);
  });

  it('linear: transpose-free gradients equal autodiff of tf.matMul', () => {
    const rng = Rng.derive(5, 'linear');
    const x = tf.tensor2d(randn(rng, 7 * 4), [7, 4]);
    const w = tf.tensor2d(randn(rng, 4 * 3), [4, 3]);
    const dy = tf.tensor2d(randn(rng, 7 * 3), [7, 3]);
    const f = (mm: (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor) => (a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(dy, mm(a as tf.Tensor2D, b as tf.Tensor2D)));
    const ours = tf.grads(f(linear))([x, w]);
    const auto = tf.grads(f((a, b) => tf.matMul(a, b)))([x, w]);
    expect(maxAbsDiff(linear(x, w).dataSync(), tf.matMul(x, w).dataSync())).toBeLessThan(1e-5);
    for (let i = 0; i < 2; i++) expect(maxAbsDiff(ours[i]!.dataSync(), auto[i]!.dataSync())).toBeLessThan(1e-5);
  });

  it('linearFromData: the same value and dW as linear, bit for bit, and one matMul fewer (no input gradient)', async () => {
    const rng = Rng.derive(6, 'linear');
    const x = tf.tensor2d(randn(rng, 9 * 5), [9, 5]);
    const w = tf.variable(tf.tensor2d(randn(rng, 5 * 3), [5, 3]));
    const dy = tf.tensor2d(randn(rng, 9 * 3), [9, 3]);
    const grad = (mm: (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D) => () =>
      tf.variableGrads(() => tf.sum(tf.mul(dy, mm(x, w))) as tf.Scalar, [w]).grads[w.name]!;
    expect(Array.from(linearFromData(x, w).dataSync())).toEqual(Array.from(linear(x, w).dataSync()));
    expect(Array.from(grad(linearFromData)().dataSync())).toEqual(Array.from(grad(linear)().dataSync()));
    const matMuls = async (mm: (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D) =>
      (await tf.profile(grad(mm))).kernels.filter((k) => k.name === 'BatchMatMul' || k.name === 'BnExpGroupMatMul').length;
    const [plain, fromData] = [await matMuls(linear), await matMuls(linearFromData)];
    expect(fromData).toBe(plain - 1);
    tf.dispose([x, w, dy]);
  });

  it('softmax cross-entropy: value and gradient equal autodiff of the plain formula', () => {
    const rng = Rng.derive(6, 'xent');
    const logits = tf.tensor2d(randn(rng, 6 * 3, 0, 2), [6, 3]);
    const onehot = tf.tensor2d(oneHot(Int32Array.from([0, 2, 1, 1, 0, 2]), 3), [6, 3]);
    const plain = (l: tf.Tensor): tf.Scalar => tf.neg(tf.mean(tf.sum(tf.mul(onehot, tf.logSoftmax(l)), 1)));
    expect(Math.abs(softmaxCrossEntropy(logits, onehot).dataSync()[0]! - plain(logits).dataSync()[0]!)).toBeLessThan(1e-6);
    const ours = tf.grad((l: tf.Tensor) => tf.mul(softmaxCrossEntropy(l as tf.Tensor2D, onehot), 3))(logits);
    const auto = tf.grad((l: tf.Tensor) => tf.mul(plain(l), 3))(logits);
    expect(maxAbsDiff(ours.dataSync(), auto.dataSync())).toBeLessThan(1e-6);
  });
});
