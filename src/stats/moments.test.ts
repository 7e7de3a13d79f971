import { describe, expect, it } from 'vitest';
import type { Split } from '../types.js';
import { classCounts, featureCorrelation, featureMoments, featureStats, moments } from './moments.js';

// 3 rows x 2 features: column 0 = 1, 2, 3; column 1 = 6, 4, 2 (perfectly anti-correlated)
const split: Split = { x: new Float32Array([1, 6, 2, 4, 3, 2]), y: new Int32Array([0, 1, 1]), n: 3, features: 2 };

describe('stats (hand-computed references)', () => {
  it('moments of 1, 2, 3, 4: population std, zero skewness, excess kurtosis -1.36', () => {
    // m2 = (2.25 + 0.25 + 0.25 + 2.25)/4 = 1.25; m4 = (5.0625*2 + 0.0625*2)/4 = 2.5625; 2.5625/1.5625 - 3
    const m = moments([1, 2, 3, 4]);
    expect(m.mean).toBe(2.5);
    expect(m.std).toBeCloseTo(Math.sqrt(1.25), 12);
    expect(m.skewness).toBeCloseTo(0, 12);
    expect(m.excessKurtosis).toBeCloseTo(-1.36, 12);
  });

  it('skewness of 0, 0, 3 is 1/sqrt(2)', () => {
    // mean 1; m2 = (1 + 1 + 4)/3 = 2; m3 = (-1 - 1 + 8)/3 = 2; 2 / 2^1.5
    expect(moments([0, 0, 3]).skewness).toBeCloseTo(1 / Math.SQRT2, 12);
  });

  it('constant data has zero std, skewness and kurtosis (no NaN)', () => {
    expect(moments([2, 2, 2])).toEqual({ mean: 2, std: 0, skewness: 0, excessKurtosis: 0 });
  });

  it('per-feature moments read the right column', () => {
    const s = featureStats(split);
    expect(Array.from(s.mean)).toEqual([2, 4]);
    expect(s.std[0]).toBeCloseTo(Math.sqrt(2 / 3), 12);
    expect(s.std[1]).toBeCloseTo(Math.sqrt(8 / 3), 12);
    expect(featureMoments(split, 1).mean).toBe(4);
  });

  it('correlation is -1 for anti-correlated columns and 1 with itself', () => {
    expect(featureCorrelation(split, 0, 1)).toBeCloseTo(-1, 12);
    expect(featureCorrelation(split, 1, 1)).toBeCloseTo(1, 12);
  });

  it('counts classes and rejects labels out of range', () => {
    expect(Array.from(classCounts(new Int32Array([0, 2, 2, 1, 2]), 4))).toEqual([1, 1, 3, 0]);
    expect(() => classCounts(new Int32Array([0, 3]), 3)).toThrow(RangeError);
  });
});
