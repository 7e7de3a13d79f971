import { describe, expect, it } from 'vitest';
import { Rng } from './rng.js';
import { bootstrapMeanCi } from './bootstrap.js';
import { describe as describeSample, mean } from './describe.js';

describe('bootstrapMeanCi', () => {
  const xs = [0.81, 0.84, 0.79, 0.86, 0.83, 0.9, 0.77];

  it('is deterministic for a seed and brackets the mean', () => {
    const a = bootstrapMeanCi(xs, new Rng(1, 'boot'));
    const b = bootstrapMeanCi(xs, new Rng(1, 'boot'));
    expect(a).toEqual(b);
    expect(a.low).toBeLessThan(mean(xs));
    expect(a.high).toBeGreaterThan(mean(xs));
    expect(a.low).toBeGreaterThanOrEqual(Math.min(...xs));
    expect(a.high).toBeLessThanOrEqual(Math.max(...xs));
  });

  it('is NaN below 5 values and degenerate for constant data', () => {
    expect(bootstrapMeanCi([1, 2, 3, 4], new Rng(1)).low).toBeNaN();
    expect(bootstrapMeanCi([2, 2, 2, 2, 2], new Rng(1))).toEqual({ low: 2, high: 2 });
  });

  it('agrees with the t interval for a large normal sample', () => {
    // Independent reference: for n = 400 normal draws both intervals estimate mean +- 1.96 sigma/sqrt(n).
    const rng = new Rng(7, 'sample');
    const big = Array.from({ length: 400 }, () => 3 + 2 * rng.normal());
    const boot = bootstrapMeanCi(big, new Rng(7, 'boot'), { resamples: 4000 });
    const t = describeSample(big).ci;
    expect(boot.high - boot.low).toBeCloseTo(t.high - t.low, 1);
    expect((boot.high + boot.low) / 2).toBeCloseTo((t.high + t.low) / 2, 1);
  });
});
