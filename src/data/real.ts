import type { NamedShift } from '../config/resolve.js';
import type { CsvDataConfig, MnistDataConfig } from '../config/schema.js';
import type { Dataset, Split } from './split.js';
import { driftPhases, shiftEvalSets, shiftPairs, type BuiltData } from './assemble.js';
import { DataError } from './csv-data.js';
import { lowerQuantile, splitScores, splitWhere, type RegionConfig } from './region.js';
import { sampleBasis } from './shifts.js';

/**
 * Shifts on real data (csv, mnist): the labels are nature's, so only nuisance shifts (labels carried
 * over) and the sub-population shift (a region of the data's own examples) apply. Shifts are anchored on
 * the training set's per-feature mean and std.
 */

/** Build the dataset of real train/test sets: restrict to the sub-population's region, add shifts and drift. */
export function assembleReal(
  data: CsvDataConfig | MnistDataConfig,
  shifts: readonly NamedShift[],
  train: Split,
  test: Split,
  classes: number,
  seed: number,
): BuiltData {
  const region = shifts.map((s) => s.shift).find((s): s is RegionConfig => s.kind === 'subpopulation');
  let outside: Split | undefined;
  if (region !== undefined) {
    if (typeof region.feature === 'number' && region.feature >= train.features) {
      throw new DataError('data.shift', `subpopulation feature ${region.feature} is out of range: the data has ${train.features} features`);
    }
    const trainScores = splitScores(train, region.feature);
    const testScores = splitScores(test, region.feature);
    const threshold = lowerQuantile(trainScores, region.fraction);
    outside = splitWhere(test, (r) => (testScores[r] as number) > threshold);
    train = splitWhere(train, (r) => (trainScores[r] as number) <= threshold);
    test = splitWhere(test, (r) => (testScores[r] as number) <= threshold);
    if (outside.n === 0 || test.n === 0) {
      throw new DataError('data.shift', `subpopulation: ${test.n} test rows fall inside the region and ${outside.n} outside; move fraction away from 0 and 1`);
    }
  }
  const basis = sampleBasis(train);
  const extra = shiftEvalSets(shifts, { test, basis, seed, outside });
  const dataset: Dataset = { train, test, extra, classes };
  if (data.drift !== undefined) dataset.trainPhases = driftPhases(train, data.drift, basis, seed);
  return { dataset, pairs: shiftPairs(shifts, data, dataset) };
}
