import { describe, expect, it } from 'vitest';
import { kthSmallest, mmdRbf, standardizedSorted, subsampleRows, wassersteinKs } from './distances.js';
import { Rng } from './rng.js';

const sorted = (a: number[]): Float64Array => Float64Array.from(a).sort();
const all = (n: number): Int32Array => Int32Array.from({ length: n }, (_, i) => i);

describe('wassersteinKs (hand-computed references)', () => {
  it.each([
    // equal sizes: W1 = mean |a_(i) - b_(i)|
    { name: 'a shift by 1', a: [0, 1, 2], b: [1, 2, 3], w1: 1, ks: 1 / 3 },
    { name: 'identical samples', a: [0, 1, 2], b: [0, 1, 2], w1: 0, ks: 0 },
    // F - G = 1/2 on [0, 1) and [1, 2): area 1/2 + 1/2 * 1 ... |F-G| = 1/2 on [0,1), 0 on [1,2), 1/2 on [2,3)
    { name: 'interleaved', a: [0, 2], b: [1, 3], w1: 1, ks: 0.5 },
    // unequal sizes: a = {0}, b = {0, 2}: |F - G| = 1/2 on [0, 2)
    { name: 'unequal sizes', a: [0], b: [0, 2], w1: 1, ks: 0.5 },
    { name: 'ties across samples', a: [1, 1, 1], b: [1, 1, 1, 1], w1: 0, ks: 0 },
  ])('$name', ({ a, b, w1, ks }) => {
    const r = wassersteinKs(sorted(a), sorted(b));
    expect(r.w1).toBeCloseTo(w1, 12);
    expect(r.ks).toBeCloseTo(ks, 12);
    const back = wassersteinKs(sorted(b), sorted(a)); // symmetric
    expect(back.w1).toBeCloseTo(w1, 12);
  });

  it('standardizedSorted has mean 0, std 1 and is undefined for a constant sample', () => {
    const z = standardizedSorted([3, 1, 2, 10]) as Float64Array;
    expect(z.reduce((s, v) => s + v, 0)).toBeCloseTo(0, 12);
    expect(z.reduce((s, v) => s + v * v, 0) / z.length).toBeCloseTo(1, 12);
    expect(Array.from(z)).toEqual([...z].sort((x, y) => x - y));
    expect(standardizedSorted([2, 2, 2])).toBeUndefined();
    // Into a caller's buffer: the same values, in that buffer; a buffer of another length is a bug.
    const buffer = new Float64Array(4).fill(NaN);
    expect(standardizedSorted([3, 1, 2, 10], buffer)).toBe(buffer);
    expect(Array.from(buffer)).toEqual(Array.from(z));
    expect(() => standardizedSorted([3, 1, 2], buffer)).toThrow(RangeError);
  });

  it('after standardization a pure mean/variance change has zero shape distance', () => {
    const a = new Rng(1).fillNormal(new Float64Array(1000));
    const b = a.map((v) => 3 + 2 * v);
    const r = wassersteinKs(standardizedSorted(a) as Float64Array, standardizedSorted(b) as Float64Array);
    expect(r.w1).toBeLessThan(1e-12);
    expect(r.ks).toBeLessThanOrEqual(1 / 1000 + 1e-12); // float rounding can split a tie: one step of 1/n
  });
});

describe('mmdRbf', () => {
  it('matches a direct evaluation of the unbiased estimator on a tiny example', () => {
    // 1-D: x = {0, 1}, y = {3}, plus y2 = 4; pooled distances^2 = 1, 9, 16, 4, 9, 1 -> median (lower) = 4
    const a = new Float32Array([0, 1]);
    const b = new Float32Array([3, 4]);
    const { mmd2, bandwidth } = mmdRbf(a, all(2), b, all(2), 1);
    expect(bandwidth).toBeCloseTo(2, 12);
    const k = (d2: number): number => Math.exp(-d2 / 8);
    const expected = k(1) + k(1) - (k(9) + k(16) + k(4) + k(9)) / 2; // (2/(2*1)) k(x1,x2) each, cross mean
    expect(mmd2).toBeCloseTo(expected, 12);
  });

  it('is about 0 for two samples of one distribution and clearly positive after a mean shift', () => {
    const f = 5;
    const x = new Rng(2).fillNormal(new Float32Array(400 * f));
    const y = new Rng(3).fillNormal(new Float32Array(400 * f));
    const same = mmdRbf(x, all(400), y, all(400), f).mmd2;
    const shifted = mmdRbf(x, all(400), y.map((v) => v + 1), all(400), f).mmd2;
    expect(Math.abs(same)).toBeLessThan(0.01);
    expect(shifted).toBeGreaterThan(0.1);
  });

  it('kthSmallest and subsampleRows', () => {
    const a = Float64Array.from([5, 1, 4, 2, 3, 2]);
    expect([0, 1, 2, 3, 5].map((k) => kthSmallest(Float64Array.from(a), k))).toEqual([1, 2, 2, 3, 5]);
    const rows = subsampleRows(100, 10, new Rng(4));
    expect(rows.length).toBe(10);
    expect(new Set(rows).size).toBe(10);
    expect(Array.from(rows)).toEqual([...rows].sort((p, q) => p - q));
    expect(Array.from(subsampleRows(3, 10, new Rng(4)))).toEqual([0, 1, 2]);
  });
});
