import { describe, expect, it } from 'vitest';
import { describe as describeSample } from './describe.js';
import { differenceRange, meanIntervalInRange, rangeInterval } from './range-interval.js';

describe('rangeInterval', () => {
  it('keeps accuracies near 1 inside [0, 1] where the plain t interval leaves it', () => {
    const xs = [0.8, 0.9, 1.0];
    const plain = describeSample(xs).ci;
    expect(plain.high).toBeGreaterThan(1); // the bug this replaces
    const { mean, ci } = meanIntervalInRange(xs, [0, 1]);
    expect(ci.low).toBeGreaterThanOrEqual(0);
    expect(ci.high).toBeLessThanOrEqual(1);
    expect(ci.low).toBeLessThan(mean);
    expect(ci.high).toBeGreaterThan(mean);
  });

  it('matches the t interval in the middle of a wide range (delta method is first-order exact there)', () => {
    const xs = [0.49, 0.5, 0.51, 0.5];
    const plain = describeSample(xs).ci;
    const { ci } = meanIntervalInRange(xs, [0, 1]);
    expect(ci.low).toBeCloseTo(plain.low, 3);
    expect(ci.high).toBeCloseTo(plain.high, 3);
    const unbounded = meanIntervalInRange(xs, [-Infinity, Infinity]).ci;
    expect(unbounded.low).toBeCloseTo(plain.low, 12);
  });

  it('keeps losses and step counts positive', () => {
    const xs = [300, 50, 2000];
    expect(describeSample(xs).ci.low).toBeLessThan(0);
    const { ci } = meanIntervalInRange(xs, [0, Infinity]);
    expect(ci.low).toBeGreaterThan(0);
    expect(ci.high).toBeGreaterThan(2000 / 3 + 50);
  });

  it('keeps differences of accuracies inside [-1, 1] and upper-bounded ranges below their bound', () => {
    expect(differenceRange([0, 1])).toEqual([-1, 1]);
    const { ci } = meanIntervalInRange([0.9, 0.5, 0.99], differenceRange([0, 1]));
    expect(ci.high).toBeLessThanOrEqual(1);
    expect(ci.low).toBeGreaterThanOrEqual(-1);
    const below = rangeInterval(-3, 2, 2, [-Infinity, 0]);
    expect(below.high).toBeLessThan(0);
  });

  it('gives NaN ends for one value and the point itself when every value sits on a bound', () => {
    expect(Number.isNaN(meanIntervalInRange([0.5], [0, 1]).ci.low)).toBe(true);
    expect(meanIntervalInRange([1, 1, 1], [0, 1]).ci).toEqual({ low: 1, high: 1 });
  });
});
