import { describe, expect, it } from 'vitest';
import { Rng } from './rng.js';
import { moments } from './moments.js';

const N = 100_000;

function draws(rng: Rng, n: number, f: (r: Rng) => number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = f(rng);
  return out;
}

function pearson(a: Float64Array, b: Float64Array): number {
  const ma = moments(a);
  const mb = moments(b);
  let cov = 0;
  for (let i = 0; i < a.length; i++) cov += ((a[i] as number) - ma.mean) * ((b[i] as number) - mb.mean);
  return cov / a.length / (ma.std * mb.std);
}

/** Pearson chi-square statistic of integer draws against the uniform distribution on [0, n). */
function chiSquare(values: Int32Array | number[], n: number): number {
  const counts = new Float64Array(n);
  for (const v of values) counts[v] = (counts[v] as number) + 1;
  const expected = values.length / n;
  return counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
}

describe('Rng determinism and streams', () => {
  it('gives the same sequence for the same seed and labels', () => {
    const a = draws(new Rng(42), 1000, (r) => r.next());
    const b = draws(new Rng(42), 1000, (r) => r.next());
    expect(a).toEqual(b);
    expect(draws(Rng.derive(7, 'data', 3), 100, (r) => r.normal())).toEqual(draws(Rng.derive(7, 'data', 3), 100, (r) => r.normal()));
  });

  it('derive without labels is the plain seed', () => {
    expect(draws(Rng.derive(5), 100, (r) => r.next())).toEqual(draws(new Rng(5), 100, (r) => r.next()));
  });

  it.each([
    { name: 'adjacent seeds', a: () => new Rng(1), b: () => new Rng(2) },
    { name: 'seeds differing only above bit 32', a: () => new Rng(1), b: () => new Rng(1 + 2 ** 32) },
    { name: 'negative seed', a: () => new Rng(-1), b: () => new Rng(2 ** 32 - 1) },
    { name: 'labels data/init', a: () => Rng.derive(1, 'data'), b: () => Rng.derive(1, 'init') },
    { name: 'label order', a: () => Rng.derive(1, 'a', 'b'), b: () => Rng.derive(1, 'b', 'a') },
    { name: 'label split', a: () => Rng.derive(1, 'ab'), b: () => Rng.derive(1, 'a', 'b') },
    { name: 'number vs string label', a: () => Rng.derive(1, 1), b: () => Rng.derive(1, '1') },
    { name: 'labelled vs plain', a: () => new Rng(1), b: () => Rng.derive(1, 'data') },
  ])('$name give different, uncorrelated streams', ({ a, b }) => {
    const x = draws(a(), N, (r) => r.uniform());
    const y = draws(b(), N, (r) => r.uniform());
    expect(x.subarray(0, 10)).not.toEqual(y.subarray(0, 10));
    // |r| < 4 standard errors (1/sqrt(N) = 0.0032), also at lag 1
    expect(Math.abs(pearson(x, y))).toBeLessThan(0.0127);
    expect(Math.abs(pearson(x.subarray(1), y.subarray(0, N - 1)))).toBeLessThan(0.0127);
  });

  it('rejects seeds that are not safe integers', () => {
    expect(() => new Rng(1.5)).toThrow(RangeError);
    expect(() => new Rng(2 ** 60)).toThrow(RangeError);
  });
});

describe('Rng distributions (1e5 draws, tolerances ~4 standard errors)', () => {
  it('next is a uint32', () => {
    const x = draws(new Rng(3), 10_000, (r) => r.next());
    expect(x.every((v) => Number.isInteger(v) && v >= 0 && v < 2 ** 32)).toBe(true);
    expect(moments(x).mean / 2 ** 32).toBeCloseTo(0.5, 1);
  });

  it('uniform is in [0, 1) with mean 1/2, variance 1/12 and more than 32 bits', () => {
    const x = draws(new Rng(4), N, (r) => r.uniform());
    const m = moments(x);
    expect(x.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(Math.abs(m.mean - 0.5)).toBeLessThan(0.004);
    expect(Math.abs(m.std ** 2 - 1 / 12)).toBeLessThan(0.001);
    // with 53 bits almost no draw is a multiple of 2^-32
    expect(x.filter((v) => Number.isInteger(v * 2 ** 32)).length).toBeLessThan(5);
  });

  it('normal has mean 0, std 1, skewness 0, excess kurtosis 0', () => {
    const m = moments(draws(new Rng(5), N, (r) => r.normal()));
    expect(Math.abs(m.mean)).toBeLessThan(0.013);
    expect(Math.abs(m.std - 1)).toBeLessThan(0.009);
    expect(Math.abs(m.skewness)).toBeLessThan(0.031);
    expect(Math.abs(m.excessKurtosis)).toBeLessThan(0.062);
  });

  it('laplace has mean 0, variance 2, excess kurtosis 3', () => {
    const m = moments(draws(new Rng(6), N, (r) => r.laplace()));
    expect(Math.abs(m.mean)).toBeLessThan(0.018);
    expect(Math.abs(m.std ** 2 - 2)).toBeLessThan(0.06);
    expect(Math.abs(m.excessKurtosis - 3)).toBeLessThan(0.6);
  });

  it('fillNormal and fillUniform use the given location and scale', () => {
    const rng = new Rng(7);
    const a = moments(rng.fillNormal(new Float64Array(N), 3, 2));
    expect(Math.abs(a.mean - 3)).toBeLessThan(0.026);
    expect(Math.abs(a.std - 2)).toBeLessThan(0.018);
    const u = rng.fillUniform(new Float32Array(N), -1, 5);
    expect(u.every((v) => v >= -1 && v <= 5)).toBe(true);
    const b = moments(u);
    expect(Math.abs(b.mean - 2)).toBeLessThan(0.024);
    expect(Math.abs(b.std - Math.sqrt(3))).toBeLessThan(0.01);
  });

  it('int is unbiased (chi-square below the 0.1% critical value)', () => {
    const rng = new Rng(8);
    // critical chi-square values at p = 0.001: df 2 -> 13.82, df 6 -> 22.46, df 9 -> 27.88
    for (const [n, critical] of [
      [3, 13.82],
      [7, 22.46],
      [10, 27.88],
    ] as const) {
      const x = Array.from({ length: N }, () => rng.int(n));
      expect(x.every((v) => v >= 0 && v < n)).toBe(true);
      expect(chiSquare(x, n)).toBeLessThan(critical);
    }
    expect(rng.int(1)).toBe(0);
    expect(rng.int(2 ** 32)).toBeLessThan(2 ** 32);
    expect(() => rng.int(0)).toThrow(RangeError);
    expect(() => rng.int(2.5)).toThrow(RangeError);
    expect(() => rng.int(2 ** 32 + 1)).toThrow(RangeError);
  });

  it('permutation is a permutation and shuffle puts each element first equally often', () => {
    const rng = new Rng(9);
    const p = rng.permutation(1000);
    expect(Array.from(p).sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    const first = Array.from({ length: 50_000 }, () => rng.shuffle([0, 1, 2, 3, 4])[0] as number);
    expect(chiSquare(first, 5)).toBeLessThan(18.47); // df 4, p = 0.001
    const arr = ['a', 'b', 'c'];
    expect(rng.shuffle(arr)).toBe(arr);
  });
});
