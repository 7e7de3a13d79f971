import { tf } from '../../tf.js';
import { custom, type BatchMoments, type OpPass } from '../ops.js';
import { scaledSums } from '../fused.js';
import { centeredSquareMeanOver, meanOver, sumOfProductsOver, sumOver } from '../row-sums.js';
import { bnBackwardDx, bnForwardValues, bnMoments } from './kernels.js';
import type { BnParams } from './variant.js';

/*
 * The BN kernels the variants share: training-mode BN over each model's batch and per chunk of rows, both
 * with closed-form backward passes, and the tfjs/Keras moving-average updates. K-first: x [K, B, W] with
 * γ, β [K, 1, W]; a 2-D x [B, W] with 1-D γ, β is one model (the same float operations).
 */

/** The rows axis of x (axis 1 of [K, B, W], axis 0 of [B, W]) and whether reductions keep their axis. */
function rowsAxis(x: tf.Tensor): { axis: number; keep: boolean } {
  return { axis: x.rank - 2, keep: x.rank > 2 };
}

/**
 * tf.moments(x, axis, keep) with the same arithmetic (mean, then the mean of the squared deviations), less
 * its float32 cast of a float32 x and its reshape of the mean; means over rows without a transposed copy
 * (row-sums.ts).
 */
export function momentsOf(x: tf.Tensor, axis: number, keep: boolean): BatchMoments {
  const meanKept = meanOver(x, axis, true);
  const mean = keep ? meanKept : tf.reshape(meanKept, x.shape.filter((_, i) => i !== axis));
  return { mean, variance: centeredSquareMeanOver(x, meanKept, axis, keep) };
}

/**
 * The forward half of BN in training mode over each model's rows (inputs x, γ, β) with the closed-form
 * backward of Ioffe & Szegedy Sec. 3: dx = γ/(m·sqrt(σ²+ε)) · (m·dy − Σdy − x̂·Σ(dy·x̂)), dγ = Σ dy·x̂,
 * dβ = Σ dy. The batch moments are kept (tf.keep) and handed to `onMoments`; the caller disposes them.
 */
export function batchNormTrainPass(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number, onMoments?: (m: BatchMoments) => void): OpPass {
  const { axis, keep } = rowsAxis(x);
  const m = x.shape[axis] as number;
  const { mean, variance, invStd } = bnMoments(x, keep, epsilon, () => momentsOf(x, axis, keep));
  const { xhat, y } = bnForwardValues(x, mean, invStd, gamma, beta);
  if (onMoments) onMoments({ mean: tf.keep(mean), variance: tf.keep(variance) });
  return {
    value: y,
    saved: [xhat, invStd, gamma],
    backward: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xh, is, gm] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
      const dBeta = sumOver(dy, axis, keep);
      const dGamma = sumOfProductsOver(dy, xh, axis, keep);
      return [bnBackwardDx(dy, xh, dBeta, dGamma, gm, is, m), dGamma, dBeta];
    },
  };
}

/** BN in training mode over each model's rows as a tf.customGrad (see batchNormTrainPass). */
export function batchNormTrain<T extends tf.Tensor2D | tf.Tensor3D>(
  x: T,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  epsilon: number,
  onMoments?: (m: BatchMoments) => void,
): T {
  return custom(([xi, g, b]) => batchNormTrainPass(xi!, g!, b!, epsilon, onMoments))(x, gamma, beta) as T;
}

/**
 * The forward half of ghost BN (Hoffer et al. 2017): BN in training mode over each chunk of `group`
 * consecutive rows of each model, with the closed-form backward of batchNormTrainPass applied per chunk
 * (x viewed as [K, chunks, group, W]). Rows must be a multiple of `group`. `onMoments` gets
 * [K, chunks, W] moments ([chunks, W] for a 2-D x) with `chunks` set (kept; the caller disposes).
 */
export function batchNormGhostPass(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  epsilon: number,
  group: number,
  onMoments?: (m: BatchMoments) => void,
): OpPass {
  const lead = x.shape.slice(0, -2); // [K], or [] for one model
  const [rows, k] = x.shape.slice(-2) as [number, number];
  if (rows % group !== 0) throw new Error(`ghost BN: ${rows} rows is not a multiple of ghostBatchSize ${group}`);
  const chunks = rows / group;
  const axis = lead.length + 1; // the rows inside a chunk
  const x4 = tf.reshape(x, [...lead, chunks, group, k]);
  const { mean, variance } = momentsOf(x4, axis, true); // [..., chunks, 1, k]
  const invStd = tf.rsqrt(tf.add(variance, epsilon));
  const xhat = tf.mul(tf.sub(x4, mean), invStd);
  if (onMoments) {
    onMoments({
      mean: tf.keep(tf.reshape(mean, [...lead, chunks, k])),
      variance: tf.keep(tf.reshape(variance, [...lead, chunks, k])),
      chunks,
    });
  }
  // γ, β broadcast over the chunks: [K, 1, W] -> [K, 1, 1, W] (1-D ones broadcast as they are).
  const perChunk = (p: tf.Tensor): tf.Tensor => (p.rank > 1 ? tf.expandDims(p, 1) : p);
  return {
    value: tf.reshape(tf.add(tf.mul(xhat, perChunk(gamma)), perChunk(beta)), x.shape),
    saved: [xhat, invStd, gamma],
    backward: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xh, is, gm] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
      const d4 = tf.reshape(dy, [...lead, chunks, group, k]);
      const dyx = tf.mul(d4, xh);
      const inChunk = tf.add(tf.div(sumOver(d4, axis, true), group), tf.mul(xh, tf.div(sumOver(dyx, axis, true), group)));
      const dx = tf.reshape(tf.mul(tf.mul(perChunk(gm), is), tf.sub(d4, inChunk)), x.shape);
      const total = (t: tf.Tensor): tf.Tensor => tf.reshape(tf.sum(t, [axis - 1, axis]), gm.shape); // over chunks and rows
      return [dx, total(dyx), total(d4)];
    },
  };
}

/** Ghost BN as a tf.customGrad (see batchNormGhostPass). */
export function batchNormGhost<T extends tf.Tensor2D | tf.Tensor3D>(
  x: T,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  epsilon: number,
  group: number,
  onMoments?: (m: BatchMoments) => void,
): T {
  return custom(([xi, g, b]) => batchNormGhostPass(xi!, g!, b!, epsilon, group, onMoments))(x, gamma, beta) as T;
}

/**
 * Per-model values as a multiplier: the number itself when the K models share it (the common case, and
 * always at K = 1), else a [K, 1, 1] tensor that broadcasts over each model's slice.
 */
export function perModel(values: number[]): number | tf.Tensor3D {
  const first = values[0]!;
  return values.every((v) => v === first) ? first : tf.tensor3d(values, [values.length, 1, 1]);
}

/** moving <- momentum·moving + (1 − momentum)·batch for the mean: every variant's mean update. */
export function updateMovingMean(bn: BnParams, m: BatchMoments, momenta: number[]): void {
  const mom = perModel(momenta);
  const oneMinus = perModel(momenta.map((v) => 1 - v)); // 1 − momentum in JS (float64), then float32
  bn.movingMean.assign(tf.add(tf.mul(bn.movingMean, mom), tf.mul(m.mean, oneMinus)));
}

/**
 * The tfjs/Keras moving statistics, moving <- momentum·moving + (1 − momentum)·batch, with the biased
 * batch variance; `momenta` per model. Mean and variance in one dispatch (model/fused.ts, bit-identical to
 * updateMovingMean's tf ops). Call inside a tidy.
 */
export function updateMovingStandard(bn: BnParams, m: BatchMoments, momenta: number[]): void {
  const [mean, variance] = scaledSums(
    [
      [bn.movingMean, m.mean],
      [bn.movingVar, m.variance],
    ],
    momenta,
    momenta.map((v) => 1 - v), // 1 − momentum in JS (float64), then float32
  );
  bn.movingMean.assign(mean as tf.Tensor3D);
  bn.movingVar.assign(variance as tf.Tensor3D);
}
