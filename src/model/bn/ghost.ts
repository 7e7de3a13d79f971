import { tf } from '../../tf.js';
import type { ModelConfig } from '../../config/schema.js';
import { recorded, scoped } from '../ops.js';
import { batchNormGhost, batchNormGhostPass, batchNormTrainPass, perModel, updateMovingStandard } from './ops.js';
import type { BnVariant } from './variant.js';

export { batchNormGhost } from './ops.js';

/**
 * Ghost BN with `group` rows per statistic. A batch of at most `group` rows (or a whole-batch probe pass)
 * is plain BN. Moving statistics: one update per ghost batch, in batch order, as Hoffer et al.'s code
 * (each chunk is a forward pass in training mode): moving <- mᶜ·moving + (1−m) Σᵢ m^(c−1−i)·statᵢ.
 */
export function ghostBn(configs: Pick<ModelConfig, 'bnEpsilon' | 'bnMomentum'>[], group: number): BnVariant {
  const eps = configs[0]!.bnEpsilon;
  const momenta = configs.map((c) => c.bnMomentum);
  return {
    name: 'ghost',
    statRows: () => group,
    train: (x, bn, { wholeBatch, chunkRows, onMoments, tape }) =>
      chunkRows !== undefined
        ? batchNormGhost(x, bn.gamma, bn.beta, eps, chunkRows)
        : recorded(
            scoped(() =>
              !wholeBatch && group < x.shape[1]
                ? batchNormGhostPass(x, bn.gamma, bn.beta, eps, group, onMoments)
                : batchNormTrainPass(x, bn.gamma, bn.beta, eps, onMoments),
              x.size,
            ),
            [bn.gamma, bn.beta],
            tape,
          ),
    updateMoving: (bn, m) => {
      const c = m.chunks;
      if (c === undefined) return updateMovingStandard(bn, m, momenta);
      // Per model k the weights (1−m_k)·m_k^(c−1−i) of its ghost batches i: [K, c, 1] (or [c, 1] when shared).
      const weightsOf = (mom: number): number[] => Array.from({ length: c }, (_, i) => (1 - mom) * mom ** (c - 1 - i));
      const shared = momenta.every((v) => v === momenta[0]);
      const weights = shared
        ? tf.tensor2d(weightsOf(momenta[0]!), [c, 1])
        : tf.tensor3d(momenta.flatMap(weightsOf), [momenta.length, c, 1]);
      const decay = perModel(momenta.map((mom) => mom ** c));
      const ema = (moving: tf.Tensor, stat: tf.Tensor): tf.Tensor3D =>
        tf.add(tf.mul(moving, decay), tf.sum(tf.mul(stat, weights), 1, true)) as tf.Tensor3D;
      bn.movingMean.assign(ema(bn.movingMean, m.mean));
      bn.movingVar.assign(ema(bn.movingVar, m.variance));
    },
    readsMoving: false,
  };
}
