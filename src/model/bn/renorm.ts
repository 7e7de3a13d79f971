import { tf } from '../../tf.js';
import type { ModelConfig, RenormConfig } from '../../config/schema.js';
import { custom, recorded, scoped, type BatchMoments, type OpPass } from '../ops.js';
import { momentsOf, perModel, updateMovingMean } from './ops.js';
import { sumOver } from '../row-sums.js';
import type { BnVariant } from './variant.js';

/** The clipping limits of Batch Renormalization at one step. */
export interface RenormLimits {
  rMax: number;
  dMax: number;
}

/**
 * Renorm clipping limits after `step` steps: rMax = 1 and dMax = 0 during warm-up, then linear ramps to
 * the configured values over `rampSteps` (Ioffe 2017 relaxes them gradually after ~5k steps).
 */
export function renormLimits(cfg: RenormConfig, step: number): RenormLimits {
  const t = step < cfg.warmupSteps ? 0 : cfg.rampSteps === 0 ? 1 : Math.min(1, (step - cfg.warmupSteps) / cfg.rampSteps);
  return { rMax: 1 + t * (cfg.rMax - 1), dMax: t * cfg.dMax };
}

/**
 * Batch Renormalization in training mode (Ioffe 2017, docs/science.md#bn-variants) on x [K, B, W] with
 * every other input [K, 1, W] (or x [B, W] with 1-D inputs: one model), σ = sqrt(var + ε): r = clip(σ_B/σ_moving, 1/rMax, rMax),
 * d = clip((μ_B − μ_moving)/σ_moving, ±dMax), both treated as constants (stop-gradient);
 * y = γ(x̂·r + d) + β with x̂ the BN-normalized x. That is BN with scale γr and shift γd + β, so the
 * backward is batchNormTrain's with γr: dx = γr/σ_B · (dy − mean(dy) − x̂·mean(dy·x̂)),
 * dγ = Σ dy·(r x̂ + d), dβ = Σ dy. With r = 1, d = 0 it is batchNormTrain.
 */
export function batchRenormTrainPass(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  movingMean: tf.Tensor,
  movingVar: tf.Tensor,
  epsilon: number,
  limits: RenormLimits,
  onMoments?: (m: BatchMoments) => void,
): OpPass {
  const axis = x.rank - 2; // each model's rows (a 2-D x is one model with 1-D parameters)
  const keep = x.rank > 2;
  const m = x.shape[axis] as number;
  const { mean, variance } = momentsOf(x, axis, keep);
  const invStd = tf.rsqrt(tf.add(variance, epsilon));
  const sigma = tf.sqrt(tf.add(movingVar, epsilon));
  const r = tf.clipByValue(tf.div(tf.sqrt(tf.add(variance, epsilon)), sigma), 1 / limits.rMax, limits.rMax);
  const d = tf.clipByValue(tf.div(tf.sub(mean, movingMean), sigma), -limits.dMax, limits.dMax);
  const xhat = tf.mul(tf.sub(x, mean), invStd);
  const gr = tf.mul(gamma, r);
  if (onMoments) onMoments({ mean: tf.keep(mean), variance: tf.keep(variance) });
  return {
    value: tf.add(tf.mul(xhat, gr), tf.add(tf.mul(gamma, d), beta)),
    saved: [xhat, invStd, gr, r, d],
    backward: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xh, is, gsc, rr, dd] = saved as tf.Tensor[];
      const dBeta = sumOver(dy, axis, keep);
      const dyx = sumOver(tf.mul(dy, xh!), axis, keep);
      const dx = tf.mul(tf.mul(gsc!, is!), tf.sub(dy, tf.add(tf.div(dBeta, m), tf.mul(xh!, tf.div(dyx, m)))));
      return [dx, tf.add(tf.mul(rr!, dyx), tf.mul(dd!, dBeta)), dBeta];
    },
  };
}

/** Batch Renormalization in training mode as a tf.customGrad (see batchRenormTrainPass). */
export function batchRenormTrain<T extends tf.Tensor2D | tf.Tensor3D>(
  x: T,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  movingMean: tf.Tensor,
  movingVar: tf.Tensor,
  epsilon: number,
  limits: RenormLimits,
  onMoments?: (m: BatchMoments) => void,
): T {
  return custom(([xi, g, b]) => batchRenormTrainPass(xi!, g!, b!, movingMean, movingVar, epsilon, limits, onMoments))(x, gamma, beta) as T;
}

/**
 * Batch Renorm: its limits follow the step index (renormLimits), never state on the model; a call
 * without a step is an internal error. The K models of a group share its settings. Moving statistics:
 * Ioffe 2017 keeps a moving σ: σ <- σ + (1−m)(σ_B − σ) with σ = sqrt(var + ε), stored as
 * movingVar = σ² − ε so inference's sqrt(movingVar + ε) is that σ.
 */
export function renormBn(configs: Pick<ModelConfig, 'bnEpsilon' | 'bnMomentum'>[], cfg: RenormConfig): BnVariant {
  const eps = configs[0]!.bnEpsilon;
  const momenta = configs.map((c) => c.bnMomentum);
  return {
    name: 'renorm',
    statRows: (batch) => batch,
    train: (x, bn, { step, chunkRows, onMoments, tape }) => {
      if (step === undefined) throw new Error('batch renorm: a training-mode pass needs the step index (its limits follow it)');
      const limits = renormLimits(cfg, step);
      if (chunkRows !== undefined) {
        // Forward only (no gradient is taken through the BN-noise probe): one Batch Renorm call per chunk.
        const parts = tf.split(x, x.shape[1] / chunkRows, 1) as tf.Tensor3D[];
        return tf.concat(parts.map((c) => batchRenormTrain(c, bn.gamma, bn.beta, bn.movingMean, bn.movingVar, eps, limits)), 1);
      }
      return recorded(scoped(() => batchRenormTrainPass(x, bn.gamma, bn.beta, bn.movingMean, bn.movingVar, eps, limits, onMoments), x.size), [bn.gamma, bn.beta], tape);
    },
    updateMoving: (bn, m) => {
      updateMovingMean(bn, m, momenta);
      const mom = perModel(momenta);
      const oneMinus = perModel(momenta.map((v) => 1 - v));
      const sigma = tf.add(tf.mul(tf.sqrt(tf.add(bn.movingVar, eps)), mom), tf.mul(tf.sqrt(tf.add(m.variance, eps)), oneMinus));
      bn.movingVar.assign(tf.sub(tf.square(sigma), eps));
    },
    readsMoving: true,
  };
}
