import { NoisySchema, RenormSchema, type ModelConfig, type NoisyConfig, type RenormConfig } from '../config/schema.js';
import type { RenormLimits } from './ops.js';

/** Whether the model has any BN layer (hidden or on the inputs). */
export function hasBatchNorm(model: Pick<ModelConfig, 'batchNorm' | 'inputBatchNorm'>): boolean {
  return model.batchNorm !== 'off' || model.inputBatchNorm;
}

/** The Batch Renormalization settings of a model (`true` = the defaults), or undefined when off. */
export function renormOf(model: Pick<ModelConfig, 'batchRenorm'>): RenormConfig | undefined {
  const r = model.batchRenorm;
  if (r === false) return undefined;
  return r === true ? RenormSchema.parse({}) : r;
}

/** The noisy-BN settings of a model (`true` = Santurkar et al.'s parameters), or undefined when off. */
export function noisyOf(model: Pick<ModelConfig, 'noisyBN'>): NoisyConfig | undefined {
  const n = model.noisyBN;
  if (n === false) return undefined;
  return n === true ? NoisySchema.parse({}) : n;
}

/**
 * Renorm clipping limits after `step` steps: rMax = 1 and dMax = 0 during warm-up, then linear ramps to
 * the configured values over `rampSteps` (Ioffe 2017 relaxes them gradually after ~5k steps).
 */
export function renormLimits(cfg: RenormConfig, step: number): RenormLimits {
  const t = step < cfg.warmupSteps ? 0 : cfg.rampSteps === 0 ? 1 : Math.min(1, (step - cfg.warmupSteps) / cfg.rampSteps);
  return { rMax: 1 + t * (cfg.rMax - 1), dMax: t * cfg.dMax };
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
