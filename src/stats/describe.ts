import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';

// Descriptive statistics over seeds (plain arrays; pure). Conventions: the sample standard deviation
// divides by n - 1 (numpy ddof=1, R's sd); empty input gives NaN, never a throw. Student t
// distribution functions come from stdlib (ports of Boost/Cephes), not from hand-written special functions.

/** Mean of `xs` (NaN when empty). */
export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Sample variance with the n - 1 denominator (NaN for fewer than 2 values). */
export function variance(xs: readonly number[]): number {
  if (xs.length < 2) return Number.NaN;
  const m = mean(xs);
  let ss = 0;
  for (const x of xs) ss += (x - m) ** 2;
  return ss / (xs.length - 1);
}

/** Sample standard deviation (n - 1 denominator; NaN for fewer than 2 values). */
export function std(xs: readonly number[]): number {
  return Math.sqrt(variance(xs));
}

/** Standard error of the mean, std / sqrt(n) (NaN for fewer than 2 values). */
export function standardError(xs: readonly number[]): number {
  return std(xs) / Math.sqrt(xs.length);
}

/** Quantile of Student's t distribution with `df` (> 0, finite) degrees of freedom. */
export function studentTQuantile(p: number, df: number): number {
  return tQuantile(p, df);
}

/** Two-sided p-value of a t statistic with `df` degrees of freedom. */
export function twoSidedP(t: number, df: number): number {
  if (Number.isNaN(t) || Number.isNaN(df)) return Number.NaN;
  return Math.min(1, 2 * tCdf(-Math.abs(t), df));
}

/** A confidence interval; both ends NaN when it cannot be computed. */
export interface Interval {
  low: number;
  high: number;
}

/** t-based confidence interval `center +- t_{(1+level)/2, df} * se`. */
export function tInterval(center: number, se: number, df: number, level = 0.95): Interval {
  if (!(df > 0) || Number.isNaN(se)) return { low: Number.NaN, high: Number.NaN };
  const half = studentTQuantile((1 + level) / 2, df) * se;
  return { low: center - half, high: center + half };
}

/** n, mean, std, standard error and the t-based CI of the mean of `xs`. */
export interface Description {
  n: number;
  mean: number;
  std: number;
  se: number;
  ci: Interval;
}

/** Describe a sample: mean with its t-based `level` CI (NaN spread for fewer than 2 values). */
export function describe(xs: readonly number[], level = 0.95): Description {
  const m = mean(xs);
  const se = standardError(xs);
  return { n: xs.length, mean: m, std: std(xs), se, ci: tInterval(m, se, xs.length - 1, level) };
}

/** Type-7 quantile (linear interpolation, numpy's default) of ascending-sorted values. */
export function quantileSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}
