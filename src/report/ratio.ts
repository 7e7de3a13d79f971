import { sameSeeds } from '../analysis/compare.js';
import { type CsvRow, num } from '../analysis/cells.js';
import type { Interval } from '../stats/describe.js';
import { pairedTTest, welchTTest } from '../stats/t-tests.js';

// Ratios of a positive metric between two sides (steps to a target, drift, landscape band): a t CI on
// the log scale, exponentiated, so the CI is of the ratio of geometric means. Paired by seed when both
// sides hold the same seeds (then only seeds with a value on both sides count). Pure.

/** The ratio b/a of geometric means with its 95% CI (NaN ends when n < 2 on a side or in pairs). */
export interface RatioEstimate {
  kind: 'paired' | 'welch';
  /** Pairs used (paired) or values on each side (welch). */
  nA: number;
  nB: number;
  /** Geometric means of the values used on each side. */
  geoA: number;
  geoB: number;
  ratio: number;
  ci: Interval;
}

/** A run's value of `metric` when it is ok, finite and > 0 (logs need positive values); else NaN. */
function positive(run: CsvRow | undefined, metric: string): number {
  const x = run?.status === 'ok' ? num(run[metric]) : Number.NaN;
  return x > 0 && Number.isFinite(x) ? x : Number.NaN;
}

/** Ratio b/a of `metric` between two sides' runs, with a t CI on log values (paired by seed if possible). */
export function logRatio(a: readonly CsvRow[], b: readonly CsvRow[], metric: string, level = 0.95): RatioEstimate {
  let t;
  if (sameSeeds(a, b)) {
    const bySeed = new Map(b.map((r) => [r.seed, r]));
    const pairs = a
      .map((r) => [positive(r, metric), positive(bySeed.get(r.seed), metric)] as const)
      .filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    t = pairedTTest(pairs.map((p) => Math.log(p[0])), pairs.map((p) => Math.log(p[1])), level);
  } else {
    const logs = (runs: readonly CsvRow[]): number[] => runs.map((r) => positive(r, metric)).filter(Number.isFinite).map(Math.log);
    t = welchTTest(logs(a), logs(b), level);
  }
  // A single pair still has a point estimate (the ratio), only no CI.
  const ratio = t.nA === 0 || t.nB === 0 ? Number.NaN : Math.exp(t.meanB - t.meanA);
  return {
    kind: t.kind,
    nA: t.nA,
    nB: t.nB,
    geoA: Math.exp(t.meanA),
    geoB: Math.exp(t.meanB),
    ratio,
    ci: { low: Math.exp(t.ci.low), high: Math.exp(t.ci.high) },
  };
}
