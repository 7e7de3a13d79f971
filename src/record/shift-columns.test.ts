import { describe, expect, it } from 'vitest';
import { namedShifts } from '../config/resolve.js';
import { SyntheticDataSchema } from '../config/schema.js';
import type { MeasuredShift } from '../data/assemble.js';
import type { ShiftMeasure } from '../data/measure-shift.js';
import { extraSplitNames, SHIFT_FEATURES_COLUMNS, shiftFeatureRows, shiftManifest, shiftRows, SHIFTS_COLUMNS } from './shift-columns.js';

const measure = (mmd2: number): ShiftMeasure => ({
  nSource: 10,
  nTarget: 5,
  featuresUsed: 1,
  meanChangeAvg: 0.5,
  meanChangeMax: 0.5,
  stdRatioAvg: 2,
  stdRatioMin: 2,
  stdRatioMax: 2,
  shapeW1: 0,
  shapeKs: 0,
  mmd2,
  mmdBandwidth: 1,
  perFeature: [{ feature: 0, sourceMean: 0, targetMean: 1, sourceStd: 2, targetStd: 4, meanChange: 0.5, stdRatio: 2, w1: 0, ks: 0 }],
});
const measured = (mmd2: number): MeasuredShift[] => [
  { name: 'test', family: 'none', kind: 'none', description: 'reference', measure: measure(0) },
  { name: 'dark', family: 'nuisance', kind: 'affine', description: 'nuisance shift (labels carried over): affine, 0.5*x + 0', measure: measure(mmd2) },
];

describe('shift rows', () => {
  it('one shifts.csv row per measured pair, in the column contract', () => {
    const rows = shiftRows('r1', measured(0.2));
    expect(rows.map((r) => Object.keys(r))).toEqual([[...SHIFTS_COLUMNS], [...SHIFTS_COLUMNS]]);
    expect(rows[1]).toMatchObject({ run_id: 'r1', shift: 'dark', family: 'nuisance', kind: 'affine', mean_change_avg: 0.5, std_ratio_avg: 2, mmd2: 0.2 });
  });

  it('one shift_features.csv row per pair and feature; NaN becomes an empty cell', () => {
    const m = measured(0.2);
    (m[0] as MeasuredShift).measure.perFeature[0]!.w1 = NaN;
    const rows = shiftFeatureRows('r1', m);
    expect(rows).toHaveLength(2);
    expect(Object.keys(rows[0]!)).toEqual([...SHIFT_FEATURES_COLUMNS]);
    expect(rows[0]).toMatchObject({ shift: 'test', feature: 0, mean_change: 0.5, w1: '' });
  });

  it('extraSplitNames lists each name once, in order of first appearance', () => {
    const a = SyntheticDataSchema.parse({ shift: [{ kind: 'mean', amount: 1 }, { kind: 'affine', name: 'dark' }] });
    const b = SyntheticDataSchema.parse({ shift: [{ kind: 'subpopulation' }, { kind: 'affine', name: 'dark' }] });
    expect(extraSplitNames([a, b, SyntheticDataSchema.parse({})].map(namedShifts))).toEqual(['mean', 'dark', 'subpopulation']);
  });

  it('the manifest lists each shift with its family and the mean of its statistics over runs', () => {
    const data = SyntheticDataSchema.parse({ shift: [{ kind: 'affine', name: 'dark', scale: 0.5 }, { kind: 'mean', amount: 1 }] });
    const before = shiftManifest([namedShifts(data)], []);
    expect(before.map((e) => [e.name, e.family, e.measured])).toEqual([
      ['test', 'none', null],
      ['dark', 'nuisance', null],
      ['mean', 'covariate', null],
    ]);
    const after = shiftManifest([namedShifts(data)], [measured(0.2), measured(0.4)]);
    expect(after[1]?.measured).toEqual({ meanChangeAvg: 0.5, stdRatioAvg: 2, shapeW1: 0, shapeKs: 0, mmd2: expect.closeTo(0.3, 12), runs: 2 });
    expect(after[2]?.measured).toBeNull(); // defined, never measured
  });
});
