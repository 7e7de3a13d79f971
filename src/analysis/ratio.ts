import { isStepsToColumn } from '../record/columns.js';
import { type CsvRow, num } from './cells.js';
import { sameSeeds } from './compare.js';
import { censoredTimeOf, type EvalEveryOf, evalEveryFrom } from './metric-intervals.js';
import { intervalPairsMeanCi, reached } from '../stats/censored.js';
import type { Interval } from '../stats/describe.js';
import { pairedTTest, welchTTest } from '../stats/t-tests.js';

// Ratios of a positive metric between two sides (steps to a target, drift, landscape band): a t CI on
// the log scale, exponentiated, so the CI is of the ratio of geometric means and always positive. Paired
// by seed when both sides hold the same seeds (then only seeds with a value on both sides count).
// Steps-to-target is interval-censored by the evaluation grid: a pair's log ratio is known only as
// [log(b_low / a_high), log(b_high / a_low)], and the CI takes its lower end over the lows and its upper
// end over the highs, so equal quantized ratios never give a zero-width CI (a run that reached at the
// first evaluation has a_low = 0: that end is unbounded). Pure.

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

/** The log-ratio CI of censored steps over seed pairs where both runs reached (see the file comment). */
function stepsLogCi(a: readonly CsvRow[], b: readonly CsvRow[], metric: string, every: { a: EvalEveryOf; b: EvalEveryOf }, level: number): Interval {
  const bySeed = new Map(b.map((r) => [r.seed, r]));
  const logs = a.flatMap((r) => {
    const other = bySeed.get(r.seed);
    const x = censoredTimeOf(r, metric, every.a(r));
    const y = other === undefined ? undefined : censoredTimeOf(other, metric, every.b(other));
    if (!x || !y || !reached(x) || !reached(y) || !(x.high > 0 && y.high > 0)) return [];
    return [{ low: Math.log(y.low / x.high), high: Math.log(y.high / x.low) }];
  });
  return intervalPairsMeanCi(logs, level);
}

/**
 * Ratio b/a of `metric` between two sides' runs, with a t CI on log values (paired by seed if possible);
 * steps-to-target columns use the censored interval ends when paired.
 * @param evalEvery each side's train.evalEvery per run (default: runs.csv's column, else 50)
 */
export function logRatio(
  a: readonly CsvRow[],
  b: readonly CsvRow[],
  metric: string,
  level = 0.95,
  evalEvery: { a: EvalEveryOf; b: EvalEveryOf } = { a: evalEveryFrom(undefined), b: evalEveryFrom(undefined) },
): RatioEstimate {
  let t;
  const paired = sameSeeds(a, b);
  if (paired) {
    const bySeed = new Map(b.map((r) => [r.seed, r]));
    const pairs = a
      .map((r) => [positive(r, metric), positive(bySeed.get(r.seed), metric)] as const)
      .filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    t = pairedTTest(pairs.map((p) => Math.log(p[0])), pairs.map((p) => Math.log(p[1])), level);
  } else {
    const logs = (runs: readonly CsvRow[]): number[] => runs.map((r) => positive(r, metric)).filter(Number.isFinite).map(Math.log);
    t = welchTTest(logs(a), logs(b), level);
  }
  const logCi = paired && isStepsToColumn(metric) ? stepsLogCi(a, b, metric, evalEvery, level) : t.ci;
  // A single pair still has a point estimate (the ratio), only no CI.
  const ratio = t.nA === 0 || t.nB === 0 ? Number.NaN : Math.exp(t.meanB - t.meanA);
  return {
    kind: t.kind,
    nA: t.nA,
    nB: t.nB,
    geoA: Math.exp(t.meanA),
    geoB: Math.exp(t.meanB),
    ratio,
    ci: { low: Math.exp(logCi.low), high: Math.exp(logCi.high) },
  };
}
