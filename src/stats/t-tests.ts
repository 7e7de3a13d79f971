import { type Interval, mean, studentTQuantile, twoSidedP, variance } from './describe.js';

/** Result of a two-sample comparison of means; `diff` is mean(b) - mean(a). */
export interface TTest {
  kind: 'paired' | 'welch';
  nA: number;
  nB: number;
  meanA: number;
  meanB: number;
  diff: number;
  /** Standard error of `diff`. */
  se: number;
  df: number;
  t: number;
  /** Two-sided p-value. */
  p: number;
  /** t-based CI of `diff`. */
  ci: Interval;
}

/**
 * Finish a test from diff, its standard error and df. A zero standard error (e.g. two identical
 * deterministic runs) gives t = 0, p = 1 for a zero difference and t = +-Infinity, p = 0 otherwise.
 */
function finish(base: Omit<TTest, 't' | 'p' | 'ci'>, level: number): TTest {
  const { diff, se, df } = base;
  if (!(df > 0) || Number.isNaN(se)) return { ...base, t: Number.NaN, p: Number.NaN, ci: { low: Number.NaN, high: Number.NaN } };
  const t = se === 0 ? (diff === 0 ? 0 : Math.sign(diff) * Number.POSITIVE_INFINITY) : diff / se;
  const p = se === 0 ? (diff === 0 ? 1 : 0) : twoSidedP(t, df);
  const half = studentTQuantile((1 + level) / 2, df) * se;
  return { ...base, t, p, ci: { low: diff - half, high: diff + half } };
}

/**
 * Paired t-test of b against a (same length, element i of each from the same seed): a one-sample
 * t-test of the differences b_i - a_i, df = n - 1. NaN statistics for fewer than 2 pairs.
 */
export function pairedTTest(a: readonly number[], b: readonly number[], level = 0.95): TTest {
  if (a.length !== b.length) throw new Error(`pairedTTest: ${a.length} vs ${b.length} values`);
  const d = a.map((x, i) => b[i]! - x);
  const n = d.length;
  const se = Math.sqrt(variance(d) / n);
  return finish({ kind: 'paired', nA: n, nB: n, meanA: mean(a), meanB: mean(b), diff: mean(d), se, df: n - 1 }, level);
}

/**
 * Welch's unequal-variance t-test of b against a, with Welch-Satterthwaite degrees of freedom.
 * NaN statistics when either side has fewer than 2 values.
 */
export function welchTTest(a: readonly number[], b: readonly number[], level = 0.95): TTest {
  const va = variance(a) / a.length;
  const vb = variance(b) / b.length;
  const se = Math.sqrt(va + vb);
  // df = (va + vb)^2 / (va^2/(nA-1) + vb^2/(nB-1)); two constant samples give 0/0, use nA + nB - 2 then.
  const denom = va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1);
  const df = denom === 0 ? a.length + b.length - 2 : (va + vb) ** 2 / denom;
  const base = { kind: 'welch' as const, nA: a.length, nB: b.length, meanA: mean(a), meanB: mean(b), se, df };
  return finish({ ...base, diff: base.meanB - base.meanA }, level);
}
