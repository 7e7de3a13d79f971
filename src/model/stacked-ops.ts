import * as tf from '@tensorflow/tfjs';
import { custom, type GradFunc } from './ops.js';
import { unstackRowsOf } from './row-slices.js';

/*
 * The ops of ops.ts for K models at once (seed-vectorized training). Every tensor carries a leading
 * model axis: activations [K, B, W], weights [K, in, out], per-unit parameters [K, 1, W]. No op reduces
 * over the K axis, so a model that diverges (NaN/Inf) cannot leak into the others.
 *
 * The matMuls stay 2-D per model: wasm's BatchMatMul with a batch dimension > 1 takes a scalar loop
 * (~10x slower than K separate 2-D matMuls on XNNPACK), and XNNPACK only gets transpose-free 2-D
 * matMuls. Splits (rows.ts) and joins (tf.stack) are ONE engine dispatch each for all K models, so
 * a layer costs K matMuls plus a handful of dispatches, while everything else is one kernel for all K
 * models: that is what makes K models cheaper than K separate steps. The float operations per model
 * are those of ops.ts, in the same order, so a model's numbers equal its separate run's (bit-identical
 * on wasm; see vectorized.test.ts).
 */

/** K per-model 2-D matMuls x_k·W_k, joined: [K, B, in] x [K, in, out] -> [K, B, out]. */
function matMulEach(xs: tf.Tensor2D[], ws: tf.Tensor2D[]): tf.Tensor3D {
  return tf.stack(xs.map((x, k) => tf.matMul(x, ws[k]!))) as tf.Tensor3D;
}

/** The K matrices of a stacked tensor transposed ([K, a, b] -> K x [b, a]): one transpose, one unstack. */
function transposedEach(t: tf.Tensor3D): tf.Tensor2D[] {
  return unstackRowsOf<tf.Tensor2D>(tf.transpose(t, [0, 2, 1]));
}

function makeLinear(inputGrad: boolean): (x: tf.Tensor3D, w: tf.Tensor3D) => tf.Tensor3D {
  return custom(([x, w], save) => {
    const x3 = x as tf.Tensor3D;
    const w3 = w as tf.Tensor3D;
    save([x3, w3]);
    const gradFunc: GradFunc = (dy, saved) => {
      const [xs, ws] = saved as [tf.Tensor3D, tf.Tensor3D];
      const dys = unstackRowsOf<tf.Tensor2D>(dy);
      const dW = matMulEach(transposedEach(xs), dys); // dW_k = x_kᵀ·dy_k
      // The first layer's input is data: its gradient is never used, so skip K matMuls.
      const dX = inputGrad ? matMulEach(dys, transposedEach(ws)) : tf.zerosLike(xs); // dx_k = dy_k·W_kᵀ
      return [dX, dW];
    };
    return { value: matMulEach(unstackRowsOf(x3), unstackRowsOf(w3)), gradFunc };
  }) as (x: tf.Tensor3D, w: tf.Tensor3D) => tf.Tensor3D;
}

const linearWithInputGrad = makeLinear(true);
const linearWithoutInputGrad = makeLinear(false);

/**
 * x_k·W_k for each model k with a transpose-free backward (as ops.ts `linear`). `inputGrad: false` for
 * the first layer, whose input gradient nobody reads (a zero tensor is returned instead).
 */
export function stackedLinear(x: tf.Tensor3D, w: tf.Tensor3D, inputGrad = true): tf.Tensor3D {
  return (inputGrad ? linearWithInputGrad : linearWithoutInputGrad)(x, w);
}

/** Batch moments of K models: mean and biased variance [K, 1, W] over each model's batch. */
export interface StackedMoments {
  mean: tf.Tensor3D;
  variance: tf.Tensor3D;
}

/**
 * BN in training mode for K models, each over its own batch (axis 1 of [K, B, W]), with the closed-form
 * backward of ops.ts batchNormTrain: dx = γ/(m·sqrt(σ²+ε)) · (m·dy − Σdy − x̂·Σ(dy·x̂)). γ, β are
 * [K, 1, W]. The moments are kept and handed to `onMoments` (the caller disposes them).
 */
export function stackedBatchNormTrain(
  x: tf.Tensor3D,
  gamma: tf.Tensor3D,
  beta: tf.Tensor3D,
  epsilon: number,
  onMoments?: (m: StackedMoments) => void,
): tf.Tensor3D {
  const op = custom(([xi, g, b], save) => {
    const m = xi!.shape[1] as number;
    const { mean, variance } = tf.moments(xi!, 1, true);
    const invStd = tf.rsqrt(tf.add(variance, epsilon));
    const xhat = tf.mul(tf.sub(xi!, mean), invStd);
    save([xhat, invStd, g!]);
    if (onMoments) onMoments({ mean: tf.keep(mean) as tf.Tensor3D, variance: tf.keep(variance) as tf.Tensor3D });
    return {
      value: tf.add(tf.mul(xhat, g!), b!),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xh, is, gm] = saved as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
        const dBeta = tf.sum(dy, 1, true);
        const dGamma = tf.sum(tf.mul(dy, xh), 1, true);
        const dx = tf.mul(tf.mul(gm, is), tf.sub(dy, tf.add(tf.div(dBeta, m), tf.mul(xh, tf.div(dGamma, m)))));
        return [dx, dGamma, dBeta];
      },
    };
  });
  return op(x, gamma, beta) as tf.Tensor3D;
}

/**
 * The sum over the K models of each model's mean softmax cross-entropy (logits and one-hot targets
 * [K, B, C]). Its gradient with respect to model k's logits is (softmax − onehot)/B, exactly model k's
 * own loss gradient: the sum only adds the values, no gradient crosses models.
 */
export const stackedSoftmaxCrossEntropy = custom(([logits, onehot], save) => {
  const logp = tf.logSoftmax(logits!);
  save([logp, onehot!]);
  const b = logits!.shape[1] as number;
  return {
    value: tf.neg(tf.div(tf.sum(tf.mul(onehot!, logp)), b)),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [lp, oh] = saved as [tf.Tensor3D, tf.Tensor3D];
      const g = tf.mul(tf.sub(tf.exp(lp), oh), tf.div(dy, b));
      return [g, tf.zerosLike(oh)];
    },
  };
}) as (logits: tf.Tensor3D, onehot: tf.Tensor3D) => tf.Scalar;
