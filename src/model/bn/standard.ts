import type { ModelConfig } from '../../config/schema.js';
import { recorded, scoped } from '../ops.js';
import { batchNormGhost, batchNormTrainPass, updateMovingStandard } from './ops.js';
import type { BnVariant } from './variant.js';

export { batchNormTrain } from './ops.js';

/** Ioffe & Szegedy's BN: statistics of each model's whole batch. */
export function standardBn(configs: Pick<ModelConfig, 'bnEpsilon' | 'bnMomentum'>[]): BnVariant {
  const eps = configs[0]!.bnEpsilon;
  const momenta = configs.map((c) => c.bnMomentum);
  return {
    name: 'standard',
    statRows: (batch) => batch,
    train: (x, bn, { chunkRows, onMoments, tape }) =>
      chunkRows !== undefined
        ? batchNormGhost(x, bn.gamma, bn.beta, eps, chunkRows)
        : recorded(scoped(() => batchNormTrainPass(x, bn.gamma, bn.beta, eps, onMoments), x.size), [bn.gamma, bn.beta], tape),
    updateMoving: (bn, m) => updateMovingStandard(bn, m, momenta),
    readsMoving: false,
  };
}
