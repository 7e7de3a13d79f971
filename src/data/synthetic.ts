import type { NamedShift } from '../config/resolve.js';
import type { DataConfig, SyntheticDataConfig } from '../config/schema.js';
import type { Dataset, Split } from './split.js';
import { driftPhases, shiftEvalSets, shiftPairs, type BuiltData } from './assemble.js';
import { sampleInputs, type InputConfig } from './inputs.js';
import { inRegion, lowerQuantile, regionScores, type RegionConfig } from './region.js';
import { Rng } from '../stats/rng.js';
import { populationBasis, shiftInputs } from './shifts.js';
import { argmaxLabels, balanceOffsets, randomTeacher, teacherLabels, teacherLogits, type Teacher } from './teacher.js';

/**
 * Synthetic datasets: inputs from `data.input`, labels from a random MLP teacher calibrated to balanced
 * classes on the train inputs. Every part has its own derived stream of the data seed
 * ('data', 'teacher' | 'train' | 'test' | 'shifted' | 'noise' | 'shift', name), so e.g. the test inputs
 * do not depend on trainSize and the teacher's weights do not depend on the input distribution.
 * Relabelled (covariate) shifts of the element-wise kinds share one fresh source sample (stream
 * 'shifted'), so they differ only by their map.
 */

/** A generated dataset, the pairs of samples whose shift is measured, and the teacher that labelled it. */
export interface SyntheticData extends BuiltData {
  teacher: Teacher;
}

/**
 * Label noise (train only): with probability p the label is replaced by a class drawn uniformly from
 * the other classes, so the measured flip rate is p (not p (K-1)/K as with "redraw from all classes").
 */
function addLabelNoise(y: Int32Array, classes: number, p: number, rng: Rng): Int32Array {
  if (p === 0) return y;
  for (let i = 0; i < y.length; i++) {
    if (rng.uniform() < p) y[i] = ((y[i] as number) + 1 + rng.int(classes - 1)) % classes;
  }
  return y;
}

/** Draw n rows of `input` whose membership `keep(x, row)` equals `inside`, by rejection from `rng`. */
function sampleWhere(input: InputConfig, n: number, f: number, rng: Rng, keep: (x: Float32Array, row: number) => boolean, inside: boolean): Float32Array {
  const out = new Float32Array(n * f);
  let k = 0;
  for (let round = 0; k < n; round++) {
    if (round > 10_000) throw new Error('subpopulation: the region is (almost) empty; choose a fraction further from 0 and 1');
    const chunk = sampleInputs(input, Math.max(256, n), f, rng);
    for (let r = 0; r * f < chunk.length && k < n; r++) {
      if (keep(chunk, r) !== inside) continue;
      out.set(chunk.subarray(r * f, (r + 1) * f), k * f);
      k++;
    }
  }
  return out;
}

/** Generate train, test, one evaluation set per `data.shift` entry, the drift phases, plus the teacher. */
export function generateSynthetic(data: SyntheticDataConfig, seed: number, shifts: readonly NamedShift[]): SyntheticData {
  const s = data.seed ?? seed;
  const { features, classes, input } = data;
  const stream = (...name: string[]): Rng => Rng.derive(s, 'data', ...name);

  const teacherRaw = randomTeacher(features, classes, data.teacher, input, stream('teacher'));
  const sourceX = sampleInputs(input, data.trainSize, features, stream('train'));
  const sourceLogits = teacherLogits(teacherRaw, sourceX, data.trainSize);
  // The labelling function is calibrated on the unrestricted source, so it does not depend on the shifts.
  const teacher: Teacher = { ...teacherRaw, offsets: balanceOffsets(sourceLogits, classes) };
  const label = (x: Float32Array, n: number): Int32Array => teacherLabels(teacher, x, n);
  const split = (x: Float32Array, n: number): Split => ({ x, y: label(x, n), n, features });

  // Sub-population: train and test inside the region, its evaluation set outside.
  const region = shifts.map((s) => s.shift).find((sh): sh is RegionConfig => sh.kind === 'subpopulation');
  const keep = region && inRegion(region, lowerQuantile(regionScores(sourceX, data.trainSize, features, region.feature), region.fraction), features);
  const draw = (n: number, rng: Rng, from: InputConfig = input, inside = true): Float32Array =>
    keep === undefined ? sampleInputs(from, n, features, rng) : sampleWhere(from, n, features, rng, keep, inside);

  const trainX = region === undefined ? sourceX : draw(data.trainSize, stream('train', 'region'));
  const trainY = region === undefined ? argmaxLabels(sourceLogits, teacher.offsets, classes) : label(trainX, data.trainSize);
  const noisy = (y: Int32Array): Int32Array => addLabelNoise(y, classes, data.labelNoise, stream('noise'));
  const train: Split = { x: trainX, y: noisy(trainY), n: data.trainSize, features };
  const test = split(draw(data.testSize, stream('test')), data.testSize);

  const basis = populationBasis(input, features);
  const extra = shiftEvalSets(shifts, {
    test,
    basis,
    seed: s,
    relabelled: (shift, _name, rng) => split(shiftInputs(draw(data.testSize, stream('shifted')), shift, basis, rng), data.testSize),
    correlated: (rho, name) => split(draw(data.testSize, stream('shift', name), { ...input, correlation: rho }), data.testSize),
    outside: region && split(draw(data.testSize, stream('shift', region.name ?? 'region'), input, false), data.testSize),
  });
  const dataset: Dataset = { train, test, extra, classes };
  if (data.drift !== undefined) dataset.trainPhases = driftPhases(train, data.drift, basis, s, (x, n) => noisy(label(x, n)));
  return { dataset, teacher, pairs: shiftPairs(shifts, data, dataset) };
}

/** Generate the dataset of a run from a synthetic data config; `data.seed` (when set) overrides the run's `seed`. */
export function generateDataset(data: DataConfig, seed: number, shifts: readonly NamedShift[]): Dataset {
  if (data.kind !== 'synthetic') throw new Error(`generateDataset makes synthetic data only; data.kind ${data.kind} is read by loadData`);
  return generateSynthetic(data, seed, shifts).dataset;
}
