import { describe, expect, it } from 'vitest';
import { Rng } from './rng.js';
import { columnStats, columnW1, meanMedian, quantileSorted, sortColumns, sortFloat32, unitDrift, unitStats, wasserstein1Sorted } from './layer-stats.js';

describe('layer statistics against hand-computed values', () => {
  it.each([
    // R type 7 (numpy's default "linear"): h = (n-1)p, interpolate between order statistics.
    { xs: [1, 2, 3, 4, 5], p: 0.5, q: 3 },
    { xs: [1, 2, 3, 4, 5], p: 0.15, q: 1.6 }, // h = 0.6
    { xs: [1, 2, 3, 4, 5], p: 0.85, q: 4.4 }, // h = 3.4
    { xs: [10, 20], p: 0.15, q: 11.5 },
    { xs: [7], p: 0.85, q: 7 },
  ])('quantile $p of $xs = $q', ({ xs, p, q }) => {
    expect(quantileSorted(xs, p)).toBeCloseTo(q, 12);
  });

  it('mean, population std, skewness and excess kurtosis of a small sample', () => {
    // xs = 0,0,0,0,4: mean 0.8; deviations -0.8 x4, 3.2; m2 = (4*0.64 + 10.24)/5 = 2.56;
    // m3 = (4*(-0.512) + 32.768)/5 = 6.144; m4 = (4*0.4096 + 104.8576)/5 = 21.2992.
    const s = unitStats(Float32Array.from([0, 0, 0, 0, 4]));
    expect(s.mean).toBeCloseTo(0.8, 6);
    expect(s.std).toBeCloseTo(1.6, 6);
    expect(s.skew).toBeCloseTo(6.144 / 2.56 ** 1.5, 5); // 1.5
    expect(s.kurt).toBeCloseTo(21.2992 / 2.56 ** 2 - 3, 5); // 0.25
    expect(s.q50).toBe(0);
    expect(unitStats(Float32Array.from([2, 2, 2]))).toMatchObject({ std: 0, skew: 0, kurt: 0 });
  });

  it('radix sort equals the native numeric sort (negatives, zeros, duplicates, infinities)', () => {
    const rng = Rng.derive(5, 'sort');
    for (const n of [0, 1, 2, 7, 512, 1000]) {
      const a = new Float32Array(n);
      for (let i = 0; i < n; i++) a[i] = rng.uniform() < 0.1 ? Math.round(rng.normal()) : rng.normal() * 10 ** rng.int(6);
      if (n > 5) a.set([0, -0, Infinity, -Infinity, -1e-40], 0);
      const expected = Float32Array.from(a).sort();
      expect(Array.from(sortFloat32(a))).toEqual(Array.from(expected));
    }
  });

  it('sorts the columns of a column-major buffer in place, only the first `units`', () => {
    // columns [3, 1, 2], [1, 5, 0], [9, 8, 7]; the third is left alone
    const m = Float32Array.from([3, 1, 2, 1, 5, 0, 9, 8, 7]);
    expect(Array.from(sortColumns(m, 3, 2))).toEqual([1, 2, 3, 0, 1, 5, 9, 8, 7]);
  });

  it('sorts NaNs last, on both the native and the radix path', () => {
    for (const n of [5, 300]) {
      const a = Float32Array.from({ length: n }, (_, i) => (i % 2 ? -i : i));
      a[1] = NaN;
      a[3] = -NaN;
      new Uint32Array(a.buffer)[4] = 0xffc00000; // the negative quiet NaN that x86 arithmetic produces
      sortFloat32(a);
      expect(Array.from(a.subarray(n - 3)).every(Number.isNaN)).toBe(true);
      expect(Array.from(a.subarray(0, n - 3)).every((v, i, xs) => i === 0 || xs[i - 1]! <= v)).toBe(true);
    }
  });

  it('column statistics equal unitStats column by column, and W1 of equal-size columns equals the general W1', () => {
    const rng = Rng.derive(9, 'columns');
    const n = 50;
    const a = sortColumns(Float32Array.from({ length: 3 * n }, () => rng.normal()), n, 3);
    const b = sortColumns(Float32Array.from({ length: 3 * n }, () => 2 * rng.normal() + 1), n, 3);
    const stats = columnStats(a, n, 3);
    const w1 = columnW1(a, b, n, 3);
    for (let u = 0; u < 3; u++) {
      const col = a.subarray(u * n, (u + 1) * n);
      const one = unitStats(col);
      for (const k of ['mean', 'std', 'q15', 'q50', 'q85', 'skew', 'kurt'] as const) expect(stats[k][u]).toBe(one[k]);
      expect(stats.q50[u]).toBeCloseTo(quantileSorted(col, 0.5), 12);
      expect(w1[u]).toBeCloseTo(wasserstein1Sorted(col, b.subarray(u * n, (u + 1) * n)), 6);
    }
  });

  it.each([
    { a: [0, 1, 2], b: [0, 1, 2], w: 0 },
    { a: [0, 1, 2], b: [1, 2, 3], w: 1 }, // a shift moves every quantile by 1
    { a: [0, 0], b: [0, 0, 3, 3], w: 1.5 }, // half the mass moves by 3
    { a: [0, 2], b: [1], w: 1 },
  ])('Wasserstein-1 of $a and $b = $w', ({ a, b, w }) => {
    expect(wasserstein1Sorted(a, b)).toBeCloseTo(w, 12);
    expect(wasserstein1Sorted(b, a)).toBeCloseTo(w, 12);
  });

  it('mean and median over units', () => {
    expect(meanMedian([3, 1, 2, 10])).toEqual({ mean: 4, median: 2.5 });
    expect(meanMedian([3, NaN, 1])).toEqual({ mean: NaN, median: NaN });
    const rng = Rng.derive(8, 'median');
    for (const n of [1, 2, 3, 64, 65, 257]) {
      const xs = Array.from({ length: n }, () => (rng.uniform() < 0.2 ? 1 : rng.normal())); // with ties
      const sorted = [...xs].sort((a, b) => a - b);
      const want = n % 2 ? sorted[n >> 1]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
      expect(meanMedian(xs).median).toBe(want);
    }
  });

  it('drift of a median path (docs/science.md#percentile-trajectories-and-drift)', () => {
    const path = [
      { q15: -1, q50: 0, q85: 1 }, // spread 2
      { q15: 0, q50: 1, q85: 2 }, // spread 2
      { q15: -1.5, q50: 0.5, q85: 2.5 }, // spread 4
    ];
    const d = unitDrift(path);
    expect(d.medianRange).toBe(1);
    expect(d.medianTV).toBe(1.5);
    expect(d.normRange).toBeCloseTo(1 / (8 / 3), 12);
    expect(d.normTV).toBeCloseTo(1.5 / (8 / 3), 12);
    expect(d.spreadRatio).toBe(2);
  });
});
