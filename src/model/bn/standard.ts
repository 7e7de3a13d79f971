import type { ModelConfig } from '../../config/schema.js';
import { batchNormGhost, batchNormTrain, updateMovingStandard } from './ops.js';
import type { BnVariant } from './variant.js';

export { batchNormTrain } from './ops.js';

/** Ioffe & Szegedy's BN: statistics of the whole batch. */
export function standardBn(config: Pick<ModelConfig, 'bnEpsilon' | 'bnMomentum'>): BnVariant {
  return {
    name: 'standard',
    statRows: (batch) => batch,
    train: (x, bn, { chunkRows, onMoments }) =>
      chunkRows !== undefined
        ? batchNormGhost(x, bn.gamma, bn.beta, config.bnEpsilon, chunkRows)
        : batchNormTrain(x, bn.gamma, bn.beta, config.bnEpsilon, onMoments),
    updateMoving: (bn, m) => updateMovingStandard(bn, m, config.bnMomentum),
    readsMoving: false,
  };
}
