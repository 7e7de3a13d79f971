import { describe as group, expect, it } from 'vitest';
import { describe, mean, quantileSorted, standardError, std, studentTQuantile, tInterval, twoSidedP, variance } from './describe.js';

// Student's sleep data, group 1 (Cushny & Peebles 1905, as in Student 1908; R's `sleep` dataset).
const SLEEP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];

group('descriptive statistics', () => {
  it('matches numpy/scipy on the sleep data (group 1)', () => {
    // python3: x = np.array(SLEEP_1); x.mean(), x.std(ddof=1), scipy.stats.sem(x),
    //          scipy.stats.t.interval(0.95, 9, loc=x.mean(), scale=scipy.stats.sem(x))  (scipy 1.17)
    const d = describe(SLEEP_1);
    expect(d.n).toBe(10);
    expect(d.mean).toBeCloseTo(0.75, 12);
    expect(d.std).toBeCloseTo(1.7890096577591623, 12);
    expect(d.se).toBeCloseTo(0.5657345274557276, 12);
    expect(d.ci.low).toBeCloseTo(-0.5297804135262318, 10);
    expect(d.ci.high).toBeCloseTo(2.0297804135262316, 10);
    expect(standardError(SLEEP_1)).toBe(d.se);
  });

  it.each([
    { name: 'empty', xs: [], mean: NaN, variance: NaN },
    { name: 'one value: mean only', xs: [3], mean: 3, variance: NaN },
    { name: 'n - 1 denominator', xs: [1, 2, 3, 4], mean: 2.5, variance: 5 / 3 }, // ss = 2.25+0.25+0.25+2.25 = 5
    { name: 'constant', xs: [2, 2, 2], mean: 2, variance: 0 },
  ])('$name', (c) => {
    // toBeCloseTo(NaN) fails, so NaN expectations go through Object.is-based toEqual.
    const close = (got: number, want: number): void => (Number.isNaN(want) ? expect(got).toEqual(want) : expect(got).toBeCloseTo(want, 14));
    close(mean(c.xs), c.mean);
    close(variance(c.xs), c.variance);
    close(std(c.xs), Math.sqrt(c.variance));
  });

  it('gives a NaN CI below two values and a zero-width one for constant data', () => {
    expect(describe([1]).ci.low).toBeNaN();
    expect(describe([2, 2, 2]).ci).toEqual({ low: 2, high: 2 });
  });
});

group('Student t distribution', () => {
  // python3: scipy.stats.t.ppf(0.975, [1, 2, 4, 9, 29]); scipy.stats.t.ppf(0.05, 3)
  it.each([
    { p: 0.975, df: 1, want: 12.706204736174694 },
    { p: 0.975, df: 2, want: 4.302652729749462 },
    { p: 0.975, df: 4, want: 2.7764451051977934 },
    { p: 0.975, df: 9, want: 2.262157162798205 },
    { p: 0.975, df: 29, want: 2.045229642132703 },
    { p: 0.05, df: 3, want: -2.353363434801824 },
  ])('quantile($p, df=$df)', ({ p, df, want }) => {
    expect(studentTQuantile(p, df)).toBeCloseTo(want, 9);
  });

  it('two-sided p-values match scipy', () => {
    // python3: 2*scipy.stats.t.cdf(-2.5, 3); 2*scipy.stats.t.sf(1.0, 7.5)  (fractional df, as Welch gives)
    expect(twoSidedP(2.5, 3)).toBeCloseTo(0.08770664700806556, 12);
    expect(twoSidedP(-2.5, 3)).toBeCloseTo(0.08770664700806556, 12);
    expect(twoSidedP(1.0, 7.5)).toBeCloseTo(0.3484760256307513, 12);
    expect(twoSidedP(0, 4)).toBe(1);
    expect(twoSidedP(Number.NaN, 4)).toBeNaN();
  });

  it('tInterval is NaN without degrees of freedom', () => {
    expect(tInterval(1, 0.5, 0).low).toBeNaN();
  });
});

group('quantileSorted (type 7)', () => {
  it('matches numpy.quantile', () => {
    // python3: np.quantile([1, 2, 3, 4, 10], 0.3) -> 2.2; np.quantile(..., 0.975) -> 9.4
    expect(quantileSorted([1, 2, 3, 4, 10], 0.3)).toBeCloseTo(2.2, 12);
    expect(quantileSorted([1, 2, 3, 4, 10], 0.975)).toBeCloseTo(9.4, 12);
    expect(quantileSorted([1, 2, 3, 4, 10], 0)).toBe(1);
    expect(quantileSorted([1, 2, 3, 4, 10], 1)).toBe(10);
    expect(quantileSorted([], 0.5)).toBeNaN();
  });
});
