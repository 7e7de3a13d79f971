import { describe, expect, it } from 'vitest';
import { DataSchema, type DataConfig, type SyntheticDataConfig } from '../config/schema.js';
import type { Dataset, Split } from './split.js';
import { shapeMapConstants } from './shifts.js';
import { classCounts, featureStats } from '../stats/moments.js';
import { namedShifts } from '../config/resolve.js';
import { generateDataset as generateWith, generateSynthetic as synthesizeWith } from './synthetic.js';
import { teacherLabels } from './teacher.js';

const config = (data: Record<string, unknown>): DataConfig => DataSchema.parse(data);
// As a run makes them: the shift list resolved from the data section (spec.resolved.shifts).
const generateDataset = (data: DataConfig, seed: number): Dataset => generateWith(data, seed, namedShifts(data));
const generateSynthetic = (data: SyntheticDataConfig, seed: number) => synthesizeWith(data, seed, namedShifts(data));

const bytes = (split: Split): Uint8Array[] => [new Uint8Array(split.x.buffer), new Uint8Array(split.y.buffer)];
const allBytes = (d: Dataset): Uint8Array[] => [d.train, d.test, ...Object.values(d.extra)].flatMap(bytes);
/** Same length and same elements (typed-array toEqual is slow on 1e5+ elements). */
const identical = (a: ArrayLike<number>, b: ArrayLike<number>): boolean =>
  a.length === b.length && Array.prototype.every.call(a, (v: number, i: number) => Object.is(v, b[i]));
const avg = (a: Float64Array): number => a.reduce((s, v) => s + v, 0) / a.length;
const maxAbs = (a: Float64Array, b: Float64Array): number => Math.max(...a.map((v, i) => Math.abs(v - (b[i] as number))));

describe('generateDataset determinism', () => {
  const cfg = config({ trainSize: 500, testSize: 200, features: 6, classes: 3, labelNoise: 0.1, shift: { kind: 'shape', amount: 0.5 } });

  it('gives identical bytes for the same seed', () => {
    expect(allBytes(generateDataset(cfg, 3))).toEqual(allBytes(generateDataset(cfg, 3)));
  });

  it('gives different data for a different seed', () => {
    const a = generateDataset(cfg, 3);
    const b = generateDataset(cfg, 4);
    expect(a.train.x).not.toEqual(b.train.x);
    expect(a.test.x).not.toEqual(b.test.x);
    expect(a.extra['shifted']?.x).not.toEqual(b.extra['shifted']?.x);
  });

  it('data.seed overrides the run seed', () => {
    const fixed = { ...cfg, seed: 99 };
    expect(allBytes(generateDataset(fixed, 1))).toEqual(allBytes(generateDataset(fixed, 2)));
    expect(generateDataset(fixed, 1).test.x).toEqual(generateDataset(cfg, 99).test.x);
  });

  it('test inputs do not depend on trainSize (separate streams)', () => {
    expect(generateDataset({ ...cfg, trainSize: 800 }, 3).test.x).toEqual(generateDataset(cfg, 3).test.x);
  });

  it('has the configured shapes', () => {
    const d = generateDataset(cfg, 3);
    expect([d.train.n, d.train.features, d.train.x.length, d.train.y.length]).toEqual([500, 6, 3000, 500]);
    expect([d.test.n, d.test.x.length]).toEqual([200, 1200]);
    expect(d.extra['shifted']?.n).toBe(200);
    expect(d.classes).toBe(3);
    expect(Object.keys(generateDataset({ ...cfg, shift: undefined }, 3).extra)).toEqual([]);
  });
});

describe('labels', () => {
  it.each([
    { classes: 2, activation: 'tanh' },
    { classes: 2, activation: 'relu' },
    { classes: 3, activation: 'tanh' },
    { classes: 3, activation: 'sigmoid' },
  ])('$classes classes ($activation teacher) are balanced within 10% on train and test', ({ classes, activation }) => {
    const d = generateDataset(config({ classes, trainSize: 6000, testSize: 6000, teacher: { activation } }), 5);
    for (const split of [d.train, d.test]) {
      for (const c of classCounts(split.y, classes)) expect(Math.abs(c / (split.n / classes) - 1)).toBeLessThan(0.1);
    }
  });

  it.each([2, 3])('label noise flips a fraction p of train labels to another class (%i classes); test is clean', (classes) => {
    const cfg = config({ classes, trainSize: 20_000, testSize: 1000 });
    const clean = generateDataset(cfg, 6);
    const noisy = generateDataset({ ...cfg, labelNoise: 0.2 }, 6);
    expect(identical(noisy.train.x, clean.train.x)).toBe(true);
    let flipped = 0;
    for (let i = 0; i < clean.train.n; i++) if (noisy.train.y[i] !== clean.train.y[i]) flipped++;
    expect(Math.abs(flipped / clean.train.n - 0.2)).toBeLessThan(0.012); // se 0.0028
    expect(identical(noisy.test.y, clean.test.y)).toBe(true);
  });

  it('the teacher is shared: one calibrated function labels train, test and relabelled shifted sets', () => {
    const { dataset, teacher } = generateSynthetic(config({ classes: 3, shift: { kind: 'mean', amount: 1 } }), 7);
    for (const split of [dataset.train, dataset.test, dataset.extra['shifted'] as Split]) {
      expect(identical(teacherLabels(teacher, split.x, split.n), split.y)).toBe(true);
    }
    // the same x gets the same label whichever set it sits in
    const shifted = dataset.extra['shifted'] as Split;
    const mixed = new Float32Array([...dataset.test.x.subarray(0, 20 * 10), ...shifted.x.subarray(0, 20 * 10)]);
    expect(Array.from(teacherLabels(teacher, mixed, 20))).toEqual([...dataset.test.y.subarray(0, 10), ...shifted.y.subarray(0, 10)]);
  });
});

describe('shifted set', () => {
  const input = { distribution: 'gaussian', mean: 1, scale: 2 };
  const base = { features: 10, trainSize: 200, testSize: 20_000, input };
  const statsOf = (shift: Record<string, unknown>, inputOverride = input) => {
    const d = generateDataset(config({ ...base, input: inputOverride, shift }), 8);
    return { test: featureStats(d.test), shifted: featureStats(d.extra['shifted'] as Split), d };
  };

  it('mean shift moves every feature mean by amount*scale and keeps the std', () => {
    const { test, shifted } = statsOf({ kind: 'mean', amount: 1.5 });
    for (let j = 0; j < 10; j++) expect(Math.abs((shifted.mean[j] as number) - (1 + 1.5 * 2))).toBeLessThan(0.06); // se 0.014
    expect(maxAbs(shifted.std, test.std)).toBeLessThan(0.06);
  });

  it('scale shift multiplies every feature std by 1 + amount and keeps the mean', () => {
    const { test, shifted } = statsOf({ kind: 'scale', amount: 1 });
    for (let j = 0; j < 10; j++) expect(Math.abs((shifted.std[j] as number) / 2 - 2)).toBeLessThan(0.04);
    expect(maxAbs(shifted.mean, test.mean)).toBeLessThan(0.15);
  });

  // The map squares the right tail, so heavy-tailed sources become very heavy-tailed (excess kurtosis
  // at amount 1: gaussian 7, uniform -0.4, laplace 66, lognormal 360) and their sample std is noisy:
  // se of one feature's std at n = 20000 is about 1%, 0.4%, 3% and 7%; we check the 10-feature average.
  it.each([
    { distribution: 'gaussian', tol: 0.015 },
    { distribution: 'uniform', tol: 0.01 },
    { distribution: 'laplace', tol: 0.04 },
    { distribution: 'lognormal', tol: 0.08 },
  ])('$distribution: shape shift keeps per-feature mean and std, changes skewness and kurtosis', ({ distribution, tol }) => {
    const { shifted, test } = statsOf({ kind: 'shape', amount: 1 }, { ...input, distribution });
    expect(Math.abs(avg(shifted.mean) - 1) / 2).toBeLessThan(tol);
    expect(Math.abs(avg(shifted.std) / 2 - 1)).toBeLessThan(tol);
    for (let j = 0; j < 10; j++) expect(Math.abs((shifted.std[j] as number) / 2 - 1)).toBeLessThan(4 * tol);
    expect(avg(shifted.skewness) - avg(test.skewness)).toBeGreaterThan(0.5);
    expect(Math.abs(avg(shifted.excessKurtosis) - avg(test.excessKurtosis))).toBeGreaterThan(0.5);
  });

  it.each([
    { kind: 'mean', amount: -0.8, map: (v: number) => v + -0.8 * 2 },
    { kind: 'scale', amount: 0.5, map: (v: number) => 1 + 1.5 * (v - 1) },
  ])('nuisance $kind shift is exactly the transform of the test set, with the test labels', ({ kind, amount, map }) => {
    const { d } = statsOf({ kind, amount, relabel: false });
    const shifted = d.extra['shifted'] as Split;
    expect(identical(shifted.x, d.test.x.map((v) => Math.fround(map(v))))).toBe(true);
    expect(identical(shifted.y, d.test.y)).toBe(true);
    expect(shifted.y).not.toBe(d.test.y);
  });

  it('nuisance shape shift is the moment-matched monotone map of the test set, with the test labels', () => {
    const { d, test, shifted: s } = statsOf({ kind: 'shape', amount: 0.7, relabel: false });
    const shifted = d.extra['shifted'] as Split;
    // independent gaussian constants: E[Z+^2] = 1/2, E[Z+^3] = sqrt(2/pi), Var(Z+^2) = 5/4
    const std = Math.sqrt(1 + 1.4 * Math.sqrt(2 / Math.PI) + 0.49 * 1.25);
    expect(shapeMapConstants(config({ input }).input, 0.7).std).toBeCloseTo(std, 12);
    let worst = 0;
    d.test.x.forEach((v, i) => {
      const z = (v - 1) / 2;
      const expected = 1 + (2 * (z + 0.7 * Math.max(0, z) ** 2 - 0.35)) / std;
      worst = Math.max(worst, Math.abs((shifted.x[i] as number) - expected) / (1 + Math.abs(expected)));
    });
    expect(worst).toBeLessThan(1e-6);
    expect(identical(shifted.y, d.test.y)).toBe(true);
    expect(maxAbs(s.mean, test.mean)).toBeLessThan(0.06);
    expect(avg(s.skewness)).toBeGreaterThan(0.5);
  });
});
