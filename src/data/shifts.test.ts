import { describe, expect, it } from 'vitest';
import { InputSchema, ShiftSchema } from '../config/schema.js';
import type { Split } from './split.js';
import { sampleInputs } from './inputs.js';
import { Rng } from '../stats/rng.js';
import { describeShift, populationBasis, positivePartMoments, shapeMapConstants, shiftInputs, shiftSplit, type MapShift } from './shifts.js';
import { moments } from '../stats/moments.js';

/** Number of entries of `out` that differ from `expected(i)`. */
function mismatches(out: Float32Array, expected: (i: number) => number): number {
  let count = 0;
  out.forEach((v, i) => {
    if (v !== expected(i)) count++;
  });
  return count;
}

const distributions = ['gaussian', 'uniform', 'laplace', 'lognormal'] as const;

/** A map shift from its config (schema defaults applied). */
const shiftOf = (cfg: Record<string, unknown>): MapShift => ShiftSchema.parse(cfg) as MapShift;
/** Apply a shift to a one-feature (or `f`-feature) matrix anchored on the population of `input`. */
const apply = (x: Float32Array, cfg: Record<string, unknown>, input: Parameters<typeof populationBasis>[0], f = 1): Float32Array =>
  shiftInputs(x, shiftOf(cfg), populationBasis(input, f), new Rng(0));

/** Monte Carlo E[Z+^k] from 1e6 standardized draws: an independent reference for the closed forms. */
function monteCarloPositiveParts(distribution: (typeof distributions)[number]): number[] {
  const z = sampleInputs(InputSchema.parse({ distribution }), 1_000_000, 1, new Rng(11));
  const sums = [0, 0, 0];
  for (const v of z) {
    if (v <= 0) continue;
    sums[0] = (sums[0] as number) + v * v;
    sums[1] = (sums[1] as number) + v ** 3;
    sums[2] = (sums[2] as number) + v ** 4;
  }
  return sums.map((s) => s / z.length);
}

describe('shape map constants', () => {
  it.each(distributions)('%s: E[Z+^k] agrees with Monte Carlo (1e6 draws, 3%)', (distribution) => {
    const exact = positivePartMoments(InputSchema.parse({ distribution }));
    const mc = monteCarloPositiveParts(distribution);
    exact.forEach((m, k) => expect(Math.abs((mc[k] as number) / m - 1)).toBeLessThan(0.03));
  });

  it.each([
    { distribution: 'gaussian', tol: 0.005 },
    { distribution: 'uniform', tol: 0.005 },
    { distribution: 'laplace', tol: 0.015 }, // shifted excess kurtosis 66: se(std) 0.4% at 1e6
    { distribution: 'lognormal', tol: 0.03 }, // shifted excess kurtosis 360: se(std) 1% at 1e6
  ] as const)('$distribution: amount 1 keeps the population mean 0 and std 1 (1e6 draws)', ({ distribution, tol }) => {
    const input = InputSchema.parse({ distribution });
    const z = sampleInputs(input, 1_000_000, 1, new Rng(13));
    const m = moments(apply(z, { kind: 'shape', amount: 1 }, input));
    expect(Math.abs(m.mean)).toBeLessThan(tol);
    expect(Math.abs(m.std - 1)).toBeLessThan(tol);
  });

  it('lognormal tends to the gaussian values as sigma -> 0 (checks the Simpson integral)', () => {
    const small = positivePartMoments(InputSchema.parse({ distribution: 'lognormal', sigma: 1e-4 }));
    const gaussian = positivePartMoments(InputSchema.parse({ distribution: 'gaussian' }));
    small.forEach((m, k) => expect(m).toBeCloseTo(gaussian[k] as number, 3));
  });

  it('amount 0 is the identity map', () => {
    expect(shapeMapConstants(InputSchema.parse({}), 0)).toEqual({ centre: 0, std: 1 });
  });
});

describe('shiftInputs', () => {
  const input = InputSchema.parse({ mean: 1, scale: 2 });
  const x = sampleInputs(input, 200_000, 1, new Rng(12));
  const source = moments(x);

  it('mean: x + amount*scale, exactly', () => {
    const out = apply(x, { kind: 'mean', amount: 0.75 }, input);
    expect(mismatches(out, (i) => Math.fround((x[i] as number) + 0.75 * 2))).toBe(0);
  });

  it('scale: mean + (1 + amount)(x - mean), exactly; negative gain inverts', () => {
    for (const amount of [0.5, -0.5, -2]) {
      const out = apply(x, { kind: 'scale', amount }, input);
      expect(mismatches(out, (i) => Math.fround(1 + (1 + amount) * ((x[i] as number) - 1)))).toBe(0);
      expect(moments(out).std / source.std).toBeCloseTo(Math.abs(1 + amount), 5);
    }
  });

  it('shape: matches an independent gaussian formula and keeps mean/std, changes skewness and kurtosis', () => {
    const a = 1;
    // gaussian: E[Z+^2] = 1/2, E[Z+^3] = sqrt(2/pi), Var(Z+^2) = 3/2 - 1/4
    const d = Math.sqrt(1 + 2 * a * Math.sqrt(2 / Math.PI) + a * a * 1.25);
    const out = apply(x, { kind: 'shape', amount: a }, input);
    let worst = 0;
    out.forEach((v, i) => {
      const z = ((x[i] as number) - 1) / 2;
      const expected = 1 + (2 * (z + a * Math.max(z, 0) ** 2 - a / 2)) / d;
      worst = Math.max(worst, Math.abs(v - expected) / (1 + Math.abs(expected)));
    });
    expect(worst).toBeLessThan(1e-6); // float32 rounding only
    const shifted = moments(out);
    expect(Math.abs(shifted.mean - source.mean)).toBeLessThan(0.02); // se 2/sqrt(2e5) = 0.0045
    expect(Math.abs(shifted.std / source.std - 1)).toBeLessThan(0.02);
    expect(shifted.skewness - source.skewness).toBeGreaterThan(0.5);
    expect(shifted.excessKurtosis - source.excessKurtosis).toBeGreaterThan(0.5);
  });

  it('shape is strictly increasing (ranks kept)', () => {
    const order = (a: Float32Array): number[] => Array.from(a.keys()).sort((i, j) => (a[i] as number) - (a[j] as number) || i - j);
    const small = x.subarray(0, 5000);
    expect(order(apply(small, { kind: 'shape', amount: 0.6 }, input))).toEqual(order(small));
  });

  it('shape rejects amounts outside [0, 1] (the schema does too)', () => {
    const bad = (amount: number): MapShift => ({ kind: 'shape', form: 'skewed', amount, relabel: true });
    expect(() => shiftInputs(x, bad(1.5), populationBasis(input, 1), new Rng(0))).toThrow(RangeError);
    expect(() => shiftInputs(x, bad(-0.1), populationBasis(input, 1), new Rng(0))).toThrow(RangeError);
    expect(ShiftSchema.safeParse({ kind: 'shape', amount: 1.5 }).success).toBe(false);
  });
});

describe('shiftSplit and describeShift', () => {
  it('copies labels and transforms inputs', () => {
    const split: Split = { x: new Float32Array([0, 1, 2, 3]), y: new Int32Array([1, 0]), n: 2, features: 2 };
    const out = shiftSplit(split, shiftOf({ kind: 'mean', amount: 1, relabel: false }), populationBasis(InputSchema.parse({ scale: 2 }), 2), new Rng(0));
    expect(Array.from(out.x)).toEqual([2, 3, 4, 5]);
    expect(out.y).toEqual(split.y);
    expect(out.y).not.toBe(split.y);
    expect(out.n).toBe(2);
    expect(out.features).toBe(2);
  });

  it('names the kind of shift', () => {
    expect(describeShift(ShiftSchema.parse({ kind: 'mean', amount: 0.5 }))).toMatch(/^covariate shift/);
    expect(describeShift(ShiftSchema.parse({ kind: 'shape', amount: 1, relabel: false }))).toMatch(/^nuisance shift/);
  });
});
