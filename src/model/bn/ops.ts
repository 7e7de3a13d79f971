import * as tf from '@tensorflow/tfjs';
import { custom, type BatchMoments } from '../ops.js';
import type { BnParams } from './variant.js';

/*
 * The BN kernels the variants share: training-mode BN over the whole batch and per chunk of rows, both
 * with closed-form backward passes, and the tfjs/Keras moving-average updates.
 */

/**
 * BN in training mode over axis 0 with the closed-form backward of Ioffe & Szegedy Sec. 3:
 * dx = γ/(m·sqrt(σ²+ε)) · (m·dy − Σdy − x̂·Σ(dy·x̂)), dγ = Σ dy·x̂, dβ = Σ dy.
 * The batch moments are kept (tf.keep) and handed to `onMoments` for the moving-average update;
 * the caller disposes them.
 */
export function batchNormTrain(
  x: tf.Tensor2D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  epsilon: number,
  onMoments?: (m: BatchMoments) => void,
): tf.Tensor2D {
  const op = custom(([xi, g, b], save) => {
    const m = xi!.shape[0] as number;
    const { mean, variance } = tf.moments(xi!, 0);
    const invStd = tf.rsqrt(tf.add(variance, epsilon));
    const xhat = tf.mul(tf.sub(xi!, mean), invStd);
    save([xhat, invStd, g!]);
    if (onMoments) onMoments({ mean: tf.keep(mean) as tf.Tensor1D, variance: tf.keep(variance) as tf.Tensor1D });
    return {
      value: tf.add(tf.mul(xhat, g!), b!),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xh, is, gm] = saved as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D];
        const dBeta = tf.sum(dy, 0);
        const dGamma = tf.sum(tf.mul(dy, xh), 0);
        const dx = tf.mul(
          tf.mul(gm, is),
          tf.sub(dy, tf.add(tf.div(dBeta, m), tf.mul(xh, tf.div(dGamma, m)))),
        );
        return [dx, dGamma, dBeta];
      },
    };
  });
  return op(x, gamma, beta) as tf.Tensor2D;
}

/**
 * Ghost BN (Hoffer et al. 2017): BN in training mode over each chunk of `group` consecutive rows, with
 * the closed-form backward of batchNormTrain applied per chunk (x viewed as [chunks, group, k]).
 * Rows must be a multiple of `group`. `onMoments` gets [chunks, k] moments with `chunks` set (kept; the
 * caller disposes).
 */
export function batchNormGhost(
  x: tf.Tensor2D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  epsilon: number,
  group: number,
  onMoments?: (m: BatchMoments) => void,
): tf.Tensor2D {
  const [rows, k] = x.shape;
  if (rows % group !== 0) throw new Error(`ghost BN: ${rows} rows is not a multiple of ghostBatchSize ${group}`);
  const chunks = rows / group;
  const op = custom(([xi, g, b], save) => {
    const x3 = tf.reshape(xi!, [chunks, group, k]);
    const { mean, variance } = tf.moments(x3, 1, true); // [chunks, 1, k]
    const invStd = tf.rsqrt(tf.add(variance, epsilon));
    const xhat = tf.mul(tf.sub(x3, mean), invStd);
    save([xhat, invStd, g!]);
    if (onMoments) {
      onMoments({
        mean: tf.keep(tf.reshape(mean, [chunks, k])) as unknown as tf.Tensor1D,
        variance: tf.keep(tf.reshape(variance, [chunks, k])) as unknown as tf.Tensor1D,
        chunks,
      });
    }
    return {
      value: tf.reshape(tf.add(tf.mul(xhat, g!), b!), [rows, k]),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xh, is, gm] = saved as [tf.Tensor3D, tf.Tensor3D, tf.Tensor1D];
        const d3 = tf.reshape(dy, [chunks, group, k]);
        const dyx = tf.mul(d3, xh);
        const perChunk = tf.add(tf.div(tf.sum(d3, 1, true), group), tf.mul(xh, tf.div(tf.sum(dyx, 1, true), group)));
        const dx = tf.reshape(tf.mul(tf.mul(gm, is), tf.sub(d3, perChunk)), [rows, k]);
        return [dx, tf.sum(dyx, [0, 1]), tf.sum(d3, [0, 1])];
      },
    };
  });
  return op(x, gamma, beta) as tf.Tensor2D;
}

/** moving <- momentum·moving + (1 − momentum)·batch for the mean: every variant's mean update. */
export function updateMovingMean(bn: BnParams, m: BatchMoments, momentum: number): void {
  bn.movingMean.assign(tf.add(tf.mul(bn.movingMean, momentum), tf.mul(m.mean, 1 - momentum)));
}

/**
 * The tfjs/Keras moving statistics, moving <- momentum·moving + (1 − momentum)·batch, with the biased
 * batch variance. Call inside a tidy.
 */
export function updateMovingStandard(bn: BnParams, m: BatchMoments, momentum: number): void {
  updateMovingMean(bn, m, momentum);
  bn.movingVar.assign(tf.add(tf.mul(bn.movingVar, momentum), tf.mul(m.variance, 1 - momentum)));
}

