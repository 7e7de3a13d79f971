import { describe, expect, it } from 'vitest';
import { InputSchema, SyntheticDataSchema } from '../config/schema.js';
import type { Split } from './split.js';
import { sampleInputs } from './inputs.js';
import { measureShift } from './measure-shift.js';
import { Rng } from '../stats/rng.js';
import { populationBasis, sampleBasis, shapeConstants, shapeFunction, shiftInputs } from './shifts.js';
import { featureCorrelation, featureStats, moments } from '../stats/moments.js';
import { namedShifts } from '../config/resolve.js';
import type { SyntheticDataConfig } from '../config/schema.js';
import { generateSynthetic as synthesizeWith } from './synthetic.js';
import { teacherLabels } from './teacher.js';

// Each shift kind, generated the way a run generates it, has the property it claims.

// As a run makes it: the shift list resolved from the data section (spec.resolved.shifts).
const generateSynthetic = (d: SyntheticDataConfig, seed: number) => synthesizeWith(d, seed, namedShifts(d));

const F = 6;
const shifts = [
  { name: 'affine', kind: 'affine', scale: -0.5, offset: 2 },
  { name: 'gains', kind: 'gains', gainStd: 0.5, offsetStd: 1 },
  { name: 'flip', kind: 'signflip', fraction: 0.5 },
  { name: 'skewed', kind: 'shape', form: 'skewed', amount: 1, relabel: false },
  { name: 'heavy', kind: 'shape', form: 'heavy', amount: 0.3, relabel: false },
  { name: 'bounded', kind: 'shape', form: 'bounded', amount: 1, relabel: false },
  { name: 'c_mean', kind: 'mean', amount: 1 },
  { name: 'c_scale', kind: 'scale', amount: 0.5 },
  { name: 'c_shape', kind: 'shape', amount: 1 },
  { name: 'c_corr', kind: 'correlation', amount: 0.7 },
];
const data = SyntheticDataSchema.parse({ features: F, classes: 3, trainSize: 2000, testSize: 20_000, input: { mean: 1, scale: 2 }, shift: shifts });
const { dataset, teacher, pairs } = generateSynthetic(data, 5);
const test = dataset.test;
const set = (name: string): Split => dataset.extra[name] as Split;
const measure = (name: string) => measureShift(test, set(name), new Rng(1), 300);
const avg = (a: ArrayLike<number>): number => Array.prototype.reduce.call(a, (s: number, v: number) => s + v, 0) as number / a.length;

describe('nuisance shifts: labels carried over, inputs an exact map of the test set', () => {
  it.each(['affine', 'gains', 'flip', 'skewed', 'heavy', 'bounded'])('%s keeps the test labels', (name) => {
    expect(Array.from(set(name).y)).toEqual(Array.from(test.y));
    expect(pairs.find((p) => p.name === name)?.family).toBe('nuisance');
  });

  it('affine is exactly scale*x + offset', () => {
    const out = set('affine');
    expect(out.x.every((v, i) => v === Math.fround(-0.5 * (test.x[i] as number) + 2))).toBe(true);
  });

  it('gains are an exact per-feature affine map about the mean, with lognormal gains', () => {
    const out = set('gains');
    const gains: number[] = [];
    for (let j = 0; j < F; j++) {
      // two rows determine the map; every other row must follow it
      const [x0, x1, y0, y1] = [test.x[j], test.x[F + j], out.x[j], out.x[F + j]] as number[];
      const g = (y1 - y0) / (x1 - x0);
      gains.push(g);
      for (let r = 2; r < 200; r++) {
        const predicted = y0 + g * ((test.x[r * F + j] as number) - x0);
        expect(Math.abs((out.x[r * F + j] as number) - predicted)).toBeLessThan(1e-4 * (1 + Math.abs(predicted)));
      }
    }
    expect(gains.every((g) => g > 0)).toBe(true);
    expect(new Set(gains.map((g) => g.toFixed(3))).size).toBe(F); // one gain per feature
  });

  it('signflip mirrors round(fraction * F) features about the mean and leaves the others', () => {
    const out = set('flip');
    const flipped = Array.from({ length: F }, (_, j) => out.x[j] !== test.x[j]);
    expect(flipped.filter(Boolean).length).toBe(3);
    const expected = (i: number): number => (flipped[i % F] ? Math.fround(-((test.x[i] as number) - 1) + 1) : (test.x[i] as number));
    expect(out.x.every((v, i) => v === expected(i))).toBe(true);
  });

  it.each([
    { name: 'skewed', check: (d: { skew: number; kurt: number }) => d.skew > 0.5 },
    { name: 'heavy', check: (d: { skew: number; kurt: number }) => d.kurt > 1 },
    { name: 'bounded', check: (d: { skew: number; kurt: number }) => d.kurt < -0.3 },
  ])('$name keeps every feature mean and std (moment-matched) and changes the shape', ({ name, check }) => {
    const src = featureStats(test);
    const out = featureStats(set(name));
    for (let j = 0; j < F; j++) {
      expect(Math.abs((out.mean[j] as number) - (src.mean[j] as number)) / 2).toBeLessThan(0.03);
      expect(Math.abs((out.std[j] as number) / (src.std[j] as number) - 1)).toBeLessThan(0.05);
    }
    expect(check({ skew: avg(out.skewness) - avg(src.skewness), kurt: avg(out.excessKurtosis) - avg(src.excessKurtosis) })).toBe(true);
    const m = measure(name);
    expect(m.meanChangeAvg).toBeLessThan(0.03);
    expect(Math.abs(m.stdRatioAvg - 1)).toBeLessThan(0.03);
    expect(m.shapeW1).toBeGreaterThan(0.05); // the null (two gaussian samples) is ~0.01
  });

  it('the shape distance is ~0 for affine shifts and positive for shape shifts', () => {
    // Same examples, positive gains: the standardized samples are identical up to rounding.
    expect(measure('gains').shapeW1).toBeLessThan(1e-4);
    // A negative scale mirrors the standardized sample: only sampling noise for a symmetric source.
    expect(measure('affine').shapeW1).toBeLessThan(0.03);
    expect(measure('affine').meanChangeAvg).toBeCloseTo(0.25, 1); // mean 1 -> -0.5 + 2 = 1.5: half a source std (2)
    expect(measure('affine').stdRatioAvg).toBeCloseTo(0.5, 5);
  });
});

describe('true covariate shifts: the same teacher labels the new inputs', () => {
  it.each(['c_mean', 'c_scale', 'c_shape', 'c_corr'])('%s is labelled by the run teacher, on fresh inputs', (name) => {
    const s = set(name);
    expect(Array.from(teacherLabels(teacher, s.x, s.n))).toEqual(Array.from(s.y));
    expect(s.x.subarray(0, 10)).not.toEqual(test.x.subarray(0, 10));
    expect(pairs.find((p) => p.name === name)?.family).toBe('covariate');
  });

  it('mean and scale move the moments as configured', () => {
    const m = measure('c_mean');
    expect(Math.abs(m.meanChangeAvg - 1)).toBeLessThan(0.05);
    expect(Math.abs(measure('c_scale').stdRatioAvg - 1.5)).toBeLessThan(0.05);
  });

  it('correlation keeps every marginal and reaches the target correlation; only MMD sees it', () => {
    const s = set('c_corr');
    expect(Math.abs(featureCorrelation(s, 0, 1) - 0.7)).toBeLessThan(0.03);
    const m = measure('c_corr');
    const ref = measureShift(dataset.train, test, new Rng(1), 300);
    expect(m.meanChangeAvg).toBeLessThan(0.1);
    expect(Math.abs(m.stdRatioAvg - 1)).toBeLessThan(0.05);
    expect(m.shapeW1).toBeLessThan(0.05);
    expect(m.mmd2).toBeGreaterThan(10 * Math.max(ref.mmd2, 0.001));
  });
});

describe('subpopulation', () => {
  const sub = SyntheticDataSchema.parse({ features: F, trainSize: 3000, testSize: 3000, shift: [{ name: 'out', kind: 'subpopulation', feature: 2, fraction: 0.3 }] });
  const built = generateSynthetic(sub, 9);
  const max = (s: Split): number => Math.max(...Array.from({ length: s.n }, (_, r) => s.x[r * F + 2] as number));
  const min = (s: Split): number => Math.min(...Array.from({ length: s.n }, (_, r) => s.x[r * F + 2] as number));

  it('trains and tests inside the region, evaluates outside, all labelled by the teacher', () => {
    const { train, test: t, extra } = built.dataset;
    const out = extra['out'] as Split;
    expect([train.n, t.n, out.n]).toEqual([3000, 3000, 3000]);
    expect(max(train)).toBeLessThan(min(out));
    expect(max(t)).toBeLessThan(min(out));
    // the threshold is the 0.3 quantile of a standard normal: about -0.52
    expect(Math.abs(max(train) + 0.52)).toBeLessThan(0.1);
    for (const s of [train, t, out]) expect(Array.from(teacherLabels(built.teacher, s.x, s.n))).toEqual(Array.from(s.y));
  });
});

describe('drift', () => {
  it('phase 0 is the training set, the last phase is the full shift, labels relabelled for covariate drift', () => {
    const d = SyntheticDataSchema.parse({ features: F, trainSize: 500, testSize: 100, drift: { to: { kind: 'mean', amount: 2 }, phases: 5 } });
    const built = generateSynthetic(d, 3);
    const phases = built.dataset.trainPhases as Split[];
    expect(phases).toHaveLength(5);
    expect(phases[0]).toBe(built.dataset.train);
    phases.forEach((p, k) => {
      expect(p.x.every((v, i) => v === Math.fround((built.dataset.train.x[i] as number) + (2 * k) / 4))).toBe(true);
      expect(Array.from(teacherLabels(built.teacher, p.x, p.n))).toEqual(Array.from(p.y));
    });
    expect(built.pairs.map((p) => p.name)).toEqual(['test', 'drift']);
  });

  it('nuisance drift keeps the labels; random parameters stay put across phases', () => {
    const d = SyntheticDataSchema.parse({ features: F, trainSize: 300, testSize: 100, drift: { to: { kind: 'gains', gainStd: 1 }, phases: 3 } });
    const phases = generateSynthetic(d, 3).dataset.trainPhases as Split[];
    for (const p of phases) expect(Array.from(p.y)).toEqual(Array.from(phases[0]?.y as Int32Array));
    // half-way gains are the square roots of the final gains: g(t) = exp(t * gainStd * n_j)
    const gain = (p: Split, j: number): number => ((p.x[F + j] as number) - (p.x[j] as number)) / ((phases[0]?.x[F + j] as number) - (phases[0]?.x[j] as number));
    for (let j = 0; j < F; j++) expect(gain(phases[1] as Split, j) ** 2).toBeCloseTo(gain(phases[2] as Split, j), 3);
  });
});

describe('shape constants', () => {
  it.each(['gaussian', 'uniform', 'laplace', 'lognormal'] as const)('%s: population constants of heavy and bounded agree with Monte Carlo (1e6 draws)', (distribution) => {
    const input = InputSchema.parse({ distribution });
    const z = sampleInputs(input, 1_000_000, 1, new Rng(21));
    for (const [form, a, tol] of [
      ['heavy', 0.3, distribution === 'lognormal' ? 0.15 : 0.03],
      ['bounded', 1, 0.01],
    ] as const) {
      const phi = shapeFunction(form, a);
      const mc = moments(z.map((v) => phi(v)));
      const c = shapeConstants(form, a, populationBasis(input, 1));
      expect(Math.abs((c.centre[0] as number) - mc.mean)).toBeLessThan(tol * mc.std);
      expect(Math.abs((c.std[0] as number) / mc.std - 1)).toBeLessThan(tol);
    }
  });

  it('sample constants (real data) match the training sample exactly', () => {
    const x = new Rng(4).fillNormal(new Float32Array(5000 * 2));
    const train: Split = { x, y: new Int32Array(5000), n: 5000, features: 2 };
    const basis = sampleBasis(train);
    for (const form of ['skewed', 'heavy', 'bounded'] as const) {
      const out = featureStats({ ...train, x: shiftInputs(x, { kind: 'shape', form, amount: 0.8, relabel: false }, basis, new Rng(0)) });
      const src = featureStats(train);
      for (let j = 0; j < 2; j++) {
        expect(out.mean[j]).toBeCloseTo(src.mean[j] as number, 4);
        expect(out.std[j]).toBeCloseTo(src.std[j] as number, 4);
      }
    }
  });
});
