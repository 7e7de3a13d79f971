import type { ModelConfig } from '../config/schema.js';

/** Whether the model has any BN layer (hidden or on the inputs). */
export function hasBatchNorm(model: Pick<ModelConfig, 'batchNorm' | 'inputBatchNorm'>): boolean {
  return model.batchNorm !== 'off' || model.inputBatchNorm;
}

/** Which parameter kinds the optimizer trains (the others keep their initial values). */
export function trainedParts(model: Pick<ModelConfig, 'trainOnly' | 'bnScale' | 'bnCenter'>): {
  weights: boolean;
  gamma: boolean;
  beta: boolean;
  output: boolean;
} {
  const t = model.trainOnly;
  const bn = t === 'all' || t === 'bn' || t === 'bn+output';
  return {
    weights: t === 'all',
    gamma: bn && model.bnScale,
    beta: bn && model.bnCenter,
    output: t === 'all' || t === 'bn+output' || t === 'output',
  };
}
