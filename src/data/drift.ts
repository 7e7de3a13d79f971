import type { Dataset, Split } from './split.js';

/**
 * The training set in use at `step` of `total`: drift phase floor(P * step / total) of
 * `dataset.trainPhases` (the training loop asks at each epoch start), or `dataset.train` without drift.
 */
export function trainPhaseAt(dataset: Pick<Dataset, 'train' | 'trainPhases'>, step: number, total: number): Split {
  const phases = dataset.trainPhases;
  if (phases === undefined || phases.length === 0 || total <= 0) return dataset.train;
  const p = Math.min(phases.length - 1, Math.floor((phases.length * step) / total));
  return phases[p] as Split;
}
