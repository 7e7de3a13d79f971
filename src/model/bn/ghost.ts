import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../../config/schema.js';
import { batchNormGhost, batchNormTrain, updateMovingStandard } from './ops.js';
import type { BnVariant } from './variant.js';

export { batchNormGhost } from './ops.js';

/**
 * Ghost BN with `group` rows per statistic. A batch of at most `group` rows (or a whole-batch probe pass)
 * is plain BN. Moving statistics: one update per ghost batch, in batch order, as Hoffer et al.'s code
 * (each chunk is a forward pass in training mode): moving <- mᶜ·moving + (1−m) Σᵢ m^(c−1−i)·statᵢ.
 */
export function ghostBn(config: Pick<ModelConfig, 'bnEpsilon' | 'bnMomentum'>, group: number): BnVariant {
  const mom = config.bnMomentum;
  return {
    name: 'ghost',
    statRows: () => group,
    train: (x, bn, { wholeBatch, chunkRows, onMoments }) =>
      chunkRows !== undefined
        ? batchNormGhost(x, bn.gamma, bn.beta, config.bnEpsilon, chunkRows)
        : !wholeBatch && group < x.shape[0]
        ? batchNormGhost(x, bn.gamma, bn.beta, config.bnEpsilon, group, onMoments)
        : batchNormTrain(x, bn.gamma, bn.beta, config.bnEpsilon, onMoments),
    updateMoving: (bn, m) => {
      const c = m.chunks;
      if (c === undefined) return updateMovingStandard(bn, m, mom);
      const weights = tf.tensor2d(
        Array.from({ length: c }, (_, i) => (1 - mom) * mom ** (c - 1 - i)),
        [c, 1],
      );
      const ema = (moving: tf.Tensor1D, stat: tf.Tensor): tf.Tensor =>
        tf.add(tf.mul(moving, mom ** c), tf.sum(tf.mul(stat, weights), 0));
      bn.movingMean.assign(ema(bn.movingMean, m.mean) as tf.Tensor1D);
      bn.movingVar.assign(ema(bn.movingVar, m.variance) as tf.Tensor1D);
    },
    readsMoving: false,
  };
}
