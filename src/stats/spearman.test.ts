import { describe, expect, it } from 'vitest';
import { ranks, spearman } from './spearman.js';

// Reference values from scipy 1.17.1: scipy.stats.spearmanr (rho, and the t-approximation p for n > 8) and
// scipy.stats.permutation_test(..., permutation_type='pairings', n_resamples=inf) for the exact p (n <= 8).
describe('spearman', () => {
  it('averages tied ranks', () => {
    expect(ranks([10, 30, 20, 30])).toEqual([1, 3.5, 2, 3.5]);
  });

  it('matches scipy with ties, exact p for small n', () => {
    const r = spearman([0.1, 0.4, 0.2, 0.9, 0.5, 0.3, 0.8], [1, 3, 2, 8, 4, 4, 6]);
    expect(r.n).toBe(7);
    expect(r.rho).toBeCloseTo(0.9369749612033814, 12);
    expect(r.p).toBeCloseTo(0.004761904761904762, 12);
    const five = spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]);
    expect(five.rho).toBeCloseTo(0.8207826816681233, 12);
    expect(five.p).toBeCloseTo(0.13333333333333333, 12);
  });

  it('matches scipy with the t approximation for larger n', () => {
    const r = spearman([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11]);
    expect(r.rho).toBeCloseTo(0.9580419580419581, 12);
    expect(r.p).toBeCloseTo(9.543581826838402e-7, 12);
  });

  it('drops non-finite pairs, and has no p below 3 pairs or without spread', () => {
    expect(spearman([1, 2, Number.NaN, 3], [1, 2, 5, 3]).n).toBe(3);
    expect(spearman([1, 2], [2, 1]).p).toBeNaN();
    expect(spearman([1, 1, 1], [1, 2, 3]).rho).toBeNaN();
  });
});
