import type { ShiftConfig } from '../config/schema.js';
import type { Split } from './split.js';

/**
 * Sub-population shift ("black cats vs coloured cats"): a score per example (one feature, or the mean
 * over features, e.g. the ink of a digit), a threshold at a quantile of the training scores, and the two
 * regions below (trained on) and above (evaluated on) it.
 */

/** The `subpopulation` entry of `data.shift`. */
export type RegionConfig = Extract<ShiftConfig, { kind: 'subpopulation' }>;

/** Score of every row of an [n, features] matrix: feature `feature`, or the row mean. */
export function regionScores(x: Float32Array, n: number, features: number, feature: RegionConfig['feature']): Float64Array {
  const s = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    if (feature === 'mean') {
      let sum = 0;
      for (let j = 0; j < features; j++) sum += x[r * features + j] as number;
      s[r] = sum / features;
    } else {
      s[r] = x[r * features + feature] as number;
    }
  }
  return s;
}

/** The q-quantile (lower nearest rank: the ceil(q n)-th smallest) of `values`. */
export function lowerQuantile(values: Float64Array, q: number): number {
  const sorted = Float64Array.from(values).sort();
  const k = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[k] as number;
}

/** The rows of a split whose score is inside (`below`: <= threshold) or outside (> threshold) the region. */
export function splitWhere(split: Split, keep: (row: number) => boolean): Split {
  const rows: number[] = [];
  for (let r = 0; r < split.n; r++) if (keep(r)) rows.push(r);
  return takeRows(split, rows);
}

/** A new split made of the given rows, in that order. */
export function takeRows(split: Split, rows: ArrayLike<number>): Split {
  const f = split.features;
  const x = new Float32Array(rows.length * f);
  const y = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as number;
    x.set(split.x.subarray(r * f, (r + 1) * f), i * f);
    y[i] = split.y[r] as number;
  }
  return { x, y, n: rows.length, features: f };
}

/** A predicate on rows of an [n, features] matrix: in the training region (score <= threshold) or not. */
export function inRegion(region: RegionConfig, threshold: number, features: number): (x: Float32Array, row: number) => boolean {
  return (x, row) => {
    if (region.feature !== 'mean') return (x[row * features + region.feature] as number) <= threshold;
    let sum = 0;
    for (let j = 0; j < features; j++) sum += x[row * features + j] as number;
    return sum / features <= threshold;
  };
}
