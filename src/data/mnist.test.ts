import { describe, expect, it } from 'vitest';
import { MnistDataSchema } from '../config/schema.js';
import { classCounts } from '../stats/moments.js';
import { loadMnistDigits, MNIST_FEATURES, mnistSplit } from './mnist.js';

const digits = loadMnistDigits();
const cfg = (extra: Record<string, unknown> = {}) => MnistDataSchema.parse({ kind: 'mnist', trainPerClass: 50, testPerClass: 20, ...extra });

describe('mnist package', () => {
  it('holds the 10,000 digits with the package class counts (docs/science.md#mnist-and-fig-1), grey-scale in [0, 1]', () => {
    expect(digits.map((d) => d.length)).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    expect(digits[0]?.raw.length).toBe(1001 * MNIST_FEATURES);
  });
});

describe('mnistSplit', () => {
  const a = mnistSplit(digits, cfg(), 7);

  it('is class-balanced', () => {
    expect(Array.from(classCounts(a.train.y, 10))).toEqual(new Array(10).fill(50));
    expect(Array.from(classCounts(a.test.y, 10))).toEqual(new Array(10).fill(20));
    expect([a.train.features, a.train.x.length]).toEqual([784, 500 * 784]);
  });

  it('is disjoint, and the label is the digit each image came from', () => {
    const train = new Set(a.trainIds);
    expect(train.size).toBe(500);
    expect(a.testIds.every((id) => !train.has(id))).toBe(true);
    a.trainIds.forEach((id, r) => expect(a.train.y[r]).toBe(Math.floor(id / 10000)));
    // row r holds image id's pixels
    const id = a.trainIds[3] as number;
    const raw = digits[Math.floor(id / 10000)]?.raw as ArrayLike<number>;
    expect(a.train.x[3 * 784 + 400]).toBe(Math.fround(raw[(id % 10000) * 784 + 400] as number));
  });

  it('is deterministic for a seed, different for another, and mixes classes in its first rows', () => {
    const again = mnistSplit(digits, cfg(), 7);
    expect(again.trainIds).toEqual(a.trainIds);
    expect(again.test.x).toEqual(a.test.x);
    expect(mnistSplit(digits, cfg(), 8).trainIds).not.toEqual(a.trainIds);
    expect(new Set(a.train.y.subarray(0, 30)).size).toBeGreaterThan(5);
  });

  it('binarizes at 0.5', () => {
    const grey = a.train.x;
    const bin = mnistSplit(digits, cfg({ binarize: true }), 7).train.x;
    expect(grey.some((v) => v > 0 && v < 1)).toBe(true);
    expect(bin.every((v, i) => v === ((grey[i] as number) >= 0.5 ? 1 : 0))).toBe(true);
  });

  it('refuses more images per class than digit 5 has', () => {
    expect(() => mnistSplit(digits, cfg({ trainPerClass: 800, testPerClass: 64 }), 1)).toThrow(/digit 5 has 863 images/);
  });
});
