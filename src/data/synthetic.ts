import type { DataConfig } from '../config/schema.js';
import type { Dataset, Split } from '../types.js';
import { sampleInputs } from './inputs.js';
import { Rng } from './rng.js';
import { shiftInputs, shiftSplit } from './shifts.js';
import { argmaxLabels, balanceOffsets, randomTeacher, teacherLabels, teacherLogits, type Teacher } from './teacher.js';

/**
 * Synthetic datasets: inputs from `data.input`, labels from a random MLP teacher calibrated to balanced
 * classes on the train inputs. Every part has its own derived stream of the data seed
 * ('data', 'teacher' | 'train' | 'test' | 'shifted' | 'noise'), so e.g. the test inputs do not depend on
 * trainSize and the teacher's weights do not depend on the input distribution.
 */

/** A generated dataset plus the teacher that labelled it. */
export interface SyntheticData {
  dataset: Dataset;
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

/** Generate train, test and (when `data.shift` is set) `extra.shifted`, plus the teacher. */
export function generateSynthetic(data: DataConfig, seed: number): SyntheticData {
  const s = data.seed ?? seed;
  const { features, classes, input } = data;
  const stream = (name: string): Rng => Rng.derive(s, 'data', name);

  const teacherRaw = randomTeacher(features, classes, data.teacher, input, stream('teacher'));
  const trainX = sampleInputs(input, data.trainSize, features, stream('train'));
  const trainLogits = teacherLogits(teacherRaw, trainX, data.trainSize);
  const teacher: Teacher = { ...teacherRaw, offsets: balanceOffsets(trainLogits, classes) };
  const trainY = addLabelNoise(argmaxLabels(trainLogits, teacher.offsets, classes), classes, data.labelNoise, stream('noise'));
  const train: Split = { x: trainX, y: trainY, n: data.trainSize, features };

  const testX = sampleInputs(input, data.testSize, features, stream('test'));
  const test: Split = { x: testX, y: teacherLabels(teacher, testX, data.testSize), n: data.testSize, features };

  const extra: Record<string, Split> = {};
  const shift = data.shift;
  if (shift !== undefined) {
    if (shift.relabel) {
      const fresh = sampleInputs(input, data.testSize, features, stream('shifted'));
      const x = shiftInputs(fresh, shift, input);
      extra['shifted'] = { x, y: teacherLabels(teacher, x, data.testSize), n: data.testSize, features };
    } else {
      extra['shifted'] = shiftSplit(test, shift, input);
    }
  }
  return { dataset: { train, test, extra, classes }, teacher };
}

/** Generate the dataset of a run; `data.seed` (when set) overrides the run's `seed`. */
export function generateDataset(data: DataConfig, seed: number): Dataset {
  return generateSynthetic(data, seed).dataset;
}
