import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../config/schema.js';
import type { BnParams } from './mlp.js';
import type { BatchMoments } from './ops.js';

/**
 * One step's update of a BN layer's moving statistics from its batch moments, tfjs/Keras convention
 * moving <- momentum·moving + (1 − momentum)·batch (biased batch variance):
 * - ghost BN ([chunks, k] moments): one update per ghost batch, in batch order, as Hoffer et al.'s code
 *   (each chunk is a forward pass in training mode): moving <- mᶜ·moving + (1−m) Σᵢ m^(c−1−i)·statᵢ;
 * - Batch Renorm: Ioffe 2017 keeps a moving σ: σ <- σ + (1−m)(σ_B − σ) with σ = sqrt(var + ε); it is
 *   stored as movingVar = σ² − ε, so inference's sqrt(movingVar + ε) is that σ.
 * Call inside a tidy.
 */
export function updateMovingStats(bn: BnParams, m: BatchMoments, config: ModelConfig): void {
  const mom = config.bnMomentum;
  const eps = config.bnEpsilon;
  if (m.mean.rank === 2) {
    const c = m.mean.shape[0];
    const weights = tf.tensor2d(
      Array.from({ length: c }, (_, i) => (1 - mom) * mom ** (c - 1 - i)),
      [c, 1],
    );
    const ema = (moving: tf.Tensor1D, stat: tf.Tensor): tf.Tensor =>
      tf.add(tf.mul(moving, mom ** c), tf.sum(tf.mul(stat, weights), 0));
    bn.movingMean.assign(ema(bn.movingMean, m.mean) as tf.Tensor1D);
    bn.movingVar.assign(ema(bn.movingVar, m.variance) as tf.Tensor1D);
    return;
  }
  bn.movingMean.assign(tf.add(tf.mul(bn.movingMean, mom), tf.mul(m.mean, 1 - mom)));
  if (config.batchRenorm !== false) {
    const sigma = tf.add(
      tf.mul(tf.sqrt(tf.add(bn.movingVar, eps)), mom),
      tf.mul(tf.sqrt(tf.add(m.variance, eps)), 1 - mom),
    );
    bn.movingVar.assign(tf.sub(tf.square(sigma), eps));
    return;
  }
  bn.movingVar.assign(tf.add(tf.mul(bn.movingVar, mom), tf.mul(m.variance, 1 - mom)));
}
