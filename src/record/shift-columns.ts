import type { NamedShift } from '../config/resolve.js';
import type { MeasuredShift } from '../data/assemble.js';
import type { ShiftMeasure } from '../data/measure-shift.js';
import { describeShift, shiftFamily } from '../data/shifts.js';

// Column contracts of shifts.csv (one row per run and measured pair) and shift_features.csv (one row per
// run, measured pair and feature). Changing an order or a name is a breaking change: note it in the CHANGELOG.

/** A CSV row: column -> cell ('' for a missing value). */
export type ShiftRow = Record<string, string | number>;

/** Columns of shifts.csv. */
export const SHIFTS_COLUMNS = [
  'run_id',
  'shift',
  'family',
  'kind',
  'n_source',
  'n_target',
  'features_used',
  'mean_change_avg',
  'mean_change_max',
  'std_ratio_avg',
  'std_ratio_min',
  'std_ratio_max',
  'shape_w1',
  'shape_ks',
  'mmd2',
  'mmd_bandwidth',
  'description',
] as const;

/** Columns of shift_features.csv. */
export const SHIFT_FEATURES_COLUMNS = ['run_id', 'shift', 'feature', 'source_mean', 'target_mean', 'source_std', 'target_std', 'mean_change', 'std_ratio', 'w1', 'ks'] as const;

const num = (x: number): string | number => (Number.isNaN(x) ? '' : x);

/** The shifts.csv rows of one run. */
export function shiftRows(runId: string, measures: readonly MeasuredShift[]): ShiftRow[] {
  return measures.map(({ name, family, kind, description, measure: m }) => ({
    run_id: runId,
    shift: name,
    family,
    kind,
    n_source: m.nSource,
    n_target: m.nTarget,
    features_used: m.featuresUsed,
    mean_change_avg: num(m.meanChangeAvg),
    mean_change_max: num(m.meanChangeMax),
    std_ratio_avg: num(m.stdRatioAvg),
    std_ratio_min: num(m.stdRatioMin),
    std_ratio_max: num(m.stdRatioMax),
    shape_w1: num(m.shapeW1),
    shape_ks: num(m.shapeKs),
    mmd2: num(m.mmd2),
    mmd_bandwidth: num(m.mmdBandwidth),
    description,
  }));
}

/** The shift_features.csv rows of one run. */
export function shiftFeatureRows(runId: string, measures: readonly MeasuredShift[]): ShiftRow[] {
  return measures.flatMap(({ name, measure }) =>
    measure.perFeature.map((p) => ({
      run_id: runId,
      shift: name,
      feature: p.feature,
      source_mean: num(p.sourceMean),
      target_mean: num(p.targetMean),
      source_std: num(p.sourceStd),
      target_std: num(p.targetStd),
      mean_change: num(p.meanChange),
      std_ratio: num(p.stdRatio),
      w1: num(p.w1),
      ks: num(p.ks),
    })),
  );
}

/** Names of the extra evaluation sets of a plan's runs, given each run's resolved shifts (one per name, in order of first appearance). */
export function extraSplitNames(shiftLists: readonly (readonly NamedShift[])[]): string[] {
  return [...new Set(shiftLists.flatMap((shifts) => shifts.map((s) => s.name)))];
}

type Summary = Pick<ShiftMeasure, 'meanChangeAvg' | 'stdRatioAvg' | 'shapeW1' | 'shapeKs' | 'mmd2'>;
const SUMMARY_KEYS = ['meanChangeAvg', 'stdRatioAvg', 'shapeW1', 'shapeKs', 'mmd2'] as const;

/** One shift as listed in manifest.json: its definition and, once runs are measured, the mean of its statistics over them. */
export interface ShiftManifestEntry {
  name: string;
  family: string;
  kind: string;
  description: string;
  /** Mean over the measured runs; null before any run is measured. */
  measured: (Summary & { runs: number }) | null;
}

/**
 * The `shifts` section of manifest.json: each evaluation set's family and definition (the first run that
 * defines the name), plus the reference `test` pair and `drift`, with their statistics averaged over runs.
 */
export function shiftManifest(shiftLists: readonly (readonly NamedShift[])[], measured: readonly (readonly MeasuredShift[])[]): ShiftManifestEntry[] {
  const entries = new Map<string, ShiftManifestEntry>();
  entries.set('test', { name: 'test', family: 'none', kind: 'none', description: 'the clean test set against the training set (sampling noise)', measured: null });
  for (const shifts of shiftLists) {
    for (const { name, shift: s } of shifts) {
      if (!entries.has(name)) entries.set(name, { name, family: shiftFamily(s), kind: s.kind, description: describeShift(s), measured: null });
    }
  }
  const sums = new Map<string, { s: Summary; runs: number }>();
  for (const run of measured) {
    for (const m of run) {
      if (!entries.has(m.name)) entries.set(m.name, { name: m.name, family: m.family, kind: m.kind, description: m.description, measured: null });
      const acc = sums.get(m.name) ?? { s: { meanChangeAvg: 0, stdRatioAvg: 0, shapeW1: 0, shapeKs: 0, mmd2: 0 }, runs: 0 };
      for (const k of SUMMARY_KEYS) acc.s[k] += m.measure[k];
      acc.runs++;
      sums.set(m.name, acc);
    }
  }
  for (const [name, { s, runs }] of sums) {
    const e = entries.get(name) as ShiftManifestEntry;
    const mean = Object.fromEntries(SUMMARY_KEYS.map((k) => [k, s[k] / runs])) as Summary;
    e.measured = { ...mean, runs };
  }
  return [...entries.values()];
}
