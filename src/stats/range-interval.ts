import { type Interval, mean, standardError, studentTQuantile } from './describe.js';

// Confidence intervals that stay inside the range of what is measured. A plain t interval of a mean of
// accuracies near 1 runs past 100%, and one of step counts can go negative. Here the t interval is built
// on a scale where the range is the whole real line and mapped back (delta method: the standard error
// is carried through the derivative of the transform at the mean):
//   [lo, hi] (accuracies, fractions, differences of accuracies): logit((x - lo) / (hi - lo));
//   [lo, Infinity) (losses, step counts, norms, ratios):          log(x - lo);
//   (-Infinity, hi]:                                              log(hi - x);
//   unbounded:                                                    identity (the plain t interval).
// Near the middle of the range this is the t interval; near a bound it is asymmetric and never crosses it.

/** A closed range [low, high] of a quantity (either end may be infinite). */
export type Range = readonly [number, number];

/**
 * The `level` CI of a mean estimated as `center` with standard error `se` and `df` degrees of freedom,
 * kept inside `range` (see the file comment). NaN ends when df <= 0 or se is NaN; a center on a finite
 * bound (every value at the bound) gives the degenerate interval [center, center].
 */
export function rangeInterval(center: number, se: number, df: number, range: Range, level = 0.95): Interval {
  if (!(df > 0) || Number.isNaN(se) || Number.isNaN(center)) return { low: Number.NaN, high: Number.NaN };
  const q = studentTQuantile((1 + level) / 2, df);
  const [lo, hi] = range;
  const finiteLo = Number.isFinite(lo);
  const finiteHi = Number.isFinite(hi);
  if (finiteLo && finiteHi) {
    const width = hi - lo;
    const p = (center - lo) / width;
    if (p <= 0 || p >= 1) return { low: center, high: center };
    const z = Math.log(p / (1 - p));
    const half = (q * se) / width / (p * (1 - p));
    const expit = (u: number): number => 1 / (1 + Math.exp(-u));
    return { low: lo + width * expit(z - half), high: lo + width * expit(z + half) };
  }
  if (finiteLo || finiteHi) {
    // distance from the finite bound, on the log scale
    const d = finiteLo ? center - lo : hi - center;
    if (d <= 0) return { low: center, high: center };
    const factor = Math.exp((q * se) / d);
    return finiteLo ? { low: lo + d / factor, high: lo + d * factor } : { low: hi - d * factor, high: hi - d / factor };
  }
  return { low: center - q * se, high: center + q * se };
}

/** The mean of `xs` with its range-respecting t CI (NaN ends for fewer than 2 values). */
export function meanIntervalInRange(xs: readonly number[], range: Range, level = 0.95): { mean: number; ci: Interval } {
  const m = mean(xs);
  return { mean: m, ci: rangeInterval(m, standardError(xs), xs.length - 1, range, level) };
}

/** The range of a difference b - a of two quantities that both lie in `range`: [lo - hi, hi - lo]. */
export function differenceRange(range: Range): Range {
  return [range[0] - range[1], range[1] - range[0]];
}
