import type { ShiftConfig } from '../config/schema.js';
import { readRow, takeRows, type Split } from './split.js';

/**
 * Sub-population shift ("black cats vs coloured cats"): a score per example (one feature, or the mean
 * over features, e.g. the ink of a digit), a threshold at a quantile of the training scores, and the two
 * regions below (trained on) and above (evaluated on) it.
 */

/** The `subpopulation` entry of `data.shift`. */
export type RegionConfig = Extract<ShiftConfig, { kind: 'subpopulation' }>;

/** The score of the row of `features` values at x[at]: feature `feature`, or the row mean. */
function rowScore(x: Float32Array, at: number, features: number, feature: RegionConfig['feature']): number {
  if (feature !== 'mean') return x[at + feature] as number;
  let sum = 0;
  for (let j = 0; j < features; j++) sum += x[at + j] as number;
  return sum / features;
}

/** Score of every row of an [n, features] matrix: feature `feature`, or the row mean. */
export function regionScores(x: Float32Array, n: number, features: number, feature: RegionConfig['feature']): Float64Array {
  const s = new Float64Array(n);
  for (let r = 0; r < n; r++) s[r] = rowScore(x, r * features, features, feature);
  return s;
}

/** Score of every row of a split (its values as it reads them), as `regionScores`. */
export function splitScores(split: Split, feature: RegionConfig['feature']): Float64Array {
  const s = new Float64Array(split.n);
  const row = new Float32Array(split.features);
  for (let r = 0; r < split.n; r++) {
    readRow(split, r, row);
    s[r] = rowScore(row, 0, split.features, feature);
  }
  return s;
}

/** The q-quantile (lower nearest rank: the ceil(q n)-th smallest) of `values`. */
export function lowerQuantile(values: Float64Array, q: number): number {
  const sorted = Float64Array.from(values).sort();
  const k = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[k] as number;
}

/** The rows of a split for which `keep` holds, in order (a view split gives a view: see takeRows). */
export function splitWhere(split: Split, keep: (row: number) => boolean): Split {
  const rows: number[] = [];
  for (let r = 0; r < split.n; r++) if (keep(r)) rows.push(r);
  return takeRows(split, rows);
}

/** A predicate on rows of an [n, features] matrix: in the training region (score <= threshold) or not. */
export function inRegion(region: RegionConfig, threshold: number, features: number): (x: Float32Array, row: number) => boolean {
  return (x, row) => rowScore(x, row * features, features, region.feature) <= threshold;
}
