import { describe, expect, it } from 'vitest';
import { pairedTTest, welchTTest } from './t-tests.js';

// Student's sleep data (Cushny & Peebles 1905, as in Student 1908; R's `sleep` dataset): extra hours of
// sleep under drug 1 (group 1) and drug 2 (group 2) in the same ten patients.
const SLEEP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
const SLEEP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];

describe('pairedTTest', () => {
  it("matches Student's sleep data (R: t.test(extra ~ group, sleep, paired = TRUE))", () => {
    // R documents t = -4.0621, df = 9, p = 0.002833 for group1 - group2; here diff = b - a = group2 - group1.
    // Full precision from python3: r = scipy.stats.ttest_rel(SLEEP_2, SLEEP_1); r.statistic, r.pvalue,
    // r.confidence_interval()  (scipy 1.17)
    const r = pairedTTest(SLEEP_1, SLEEP_2);
    expect(r.kind).toBe('paired');
    expect(r.diff).toBeCloseTo(1.58, 12);
    expect(r.df).toBe(9);
    expect(r.t).toBeCloseTo(4.062127683382037, 10);
    expect(r.p).toBeCloseTo(0.002832890197384273, 12);
    expect(r.ci.low).toBeCloseTo(0.7001142367230175, 10);
    expect(r.ci.high).toBeCloseTo(2.459885763276983, 10);
  });

  it('is antisymmetric', () => {
    const r = pairedTTest(SLEEP_2, SLEEP_1);
    expect(r.t).toBeCloseTo(-4.062127683382037, 10);
    expect(r.p).toBeCloseTo(0.002832890197384273, 12);
  });

  it.each([
    { name: 'identical (deterministic re-run)', a: [1, 2, 3], b: [1, 2, 3], t: 0, p: 1 },
    { name: 'constant shift', a: [1, 2, 3], b: [2, 3, 4], t: Infinity, p: 0 },
    { name: 'constant drop', a: [1, 2, 3], b: [0, 1, 2], t: -Infinity, p: 0 },
  ])('zero-variance differences: $name', (c) => {
    const r = pairedTTest(c.a, c.b);
    expect(r.t).toBe(c.t);
    expect(r.p).toBe(c.p);
  });

  it('gives NaN statistics for one pair and refuses unequal lengths', () => {
    expect(pairedTTest([1], [2]).p).toBeNaN();
    expect(() => pairedTTest([1, 2], [1])).toThrow(/2 vs 1/);
  });
});

describe('welchTTest', () => {
  it("matches Student's sleep data (R: t.test(extra ~ group, sleep))", () => {
    // R documents t = -1.8608, df = 17.776, p = 0.07939, CI (-3.3654832, 0.2054832) for group1 - group2.
    // Full precision from python3: w = scipy.stats.ttest_ind(SLEEP_2, SLEEP_1, equal_var=False); w.df,
    // w.confidence_interval()  (scipy 1.17)
    const r = welchTTest(SLEEP_1, SLEEP_2);
    expect(r.kind).toBe('welch');
    expect(r.diff).toBeCloseTo(1.58, 12);
    expect(r.t).toBeCloseTo(1.8608134674868526, 10);
    expect(r.df).toBeCloseTo(17.776473516178488, 10);
    expect(r.p).toBeCloseTo(0.0793941401873583, 12);
    expect(r.ci.low).toBeCloseTo(-0.20548323071171137, 10);
    expect(r.ci.high).toBeCloseTo(3.3654832307117104, 10);
  });

  it('handles unequal sizes and NaN for a side with one value', () => {
    expect(welchTTest([1, 2, 3, 4], [2, 4]).nB).toBe(2);
    expect(welchTTest([1], [2, 3]).p).toBeNaN();
    const same = welchTTest([1, 1], [1, 1]);
    expect([same.t, same.p]).toEqual([0, 1]);
  });
});
