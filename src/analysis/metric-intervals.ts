import { columnRange, isStepsToColumn } from '../record/columns.js';
import { type CensoredTime, censoredMeanInterval, medianBracket, reached } from '../stats/censored.js';
import { type Description, describe, type Interval } from '../stats/describe.js';
import { type Range, rangeInterval } from '../stats/range-interval.js';
import { type CsvRow, num } from './cells.js';

// Intervals of one metric over seeds that respect what the metric measures: the range from the column
// registry (accuracies in [0, 1], losses and steps >= 0) and, for steps-to-target, the censoring by the
// evaluation grid. Pure; the numerics live in src/stats.

/** The evaluation interval (train.evalEvery) of a run. */
export type EvalEveryOf = (run: CsvRow) => number;

/** train.evalEvery's default in the schema: used only when neither runs.csv nor the manifest says. */
const DEFAULT_EVAL_EVERY = 50;

/**
 * train.evalEvery of each run: the run's own `train.evalEvery` column when that path is swept, else the
 * manifest's config (`config.train.evalEvery`), else the schema default.
 */
export function evalEveryFrom(manifest: Record<string, unknown> | undefined): EvalEveryOf {
  const config = manifest?.config as { train?: { evalEvery?: unknown } } | undefined;
  const base = typeof config?.train?.evalEvery === 'number' ? config.train.evalEvery : DEFAULT_EVAL_EVERY;
  return (run) => {
    const own = num(run['train.evalEvery']);
    return own > 0 ? own : base;
  };
}

/**
 * A run's steps-to-target as a censored time: first seen at step s means reached in (previous
 * evaluation, s] (evaluations at multiples of evalEvery and at the last step); an empty cell means
 * never reached by the run's last step (`steps`). Undefined when the run is not ok or the cell is unusable.
 */
export function censoredTimeOf(run: CsvRow, column: string, evalEvery: number): CensoredTime | undefined {
  if (run.status !== 'ok') return undefined;
  const text = (run[column] ?? '').trim();
  if (text === '') {
    // `steps` (the run's last step) is always in runs.csv; without it all we know is "not by step 0"
    const last = num(run.steps);
    return { low: Number.isFinite(last) ? last : 0, high: Number.POSITIVE_INFINITY };
  }
  const s = Number(text);
  if (!Number.isFinite(s) || s < 0) return undefined;
  return { low: s <= 0 ? 0 : evalEvery * Math.floor((s - 1) / evalEvery), high: s };
}

/** Censored times of a steps-to-target column over runs (not-ok or unusable runs left out). */
export function censoredTimes(runs: readonly CsvRow[], column: string, evalEveryOf: EvalEveryOf): CensoredTime[] {
  return runs.flatMap((r) => {
    const t = censoredTimeOf(r, column, evalEveryOf(r));
    return t === undefined ? [] : [t];
  });
}

/** Statistics of one metric over seeds, with an interval that stays in the metric's range. */
export interface MetricSummary {
  /** Values used (for steps-to-target: runs that reached the target). */
  n: number;
  mean: number;
  std: number;
  se: number;
  /** 95% CI of the mean, inside the metric's range; for steps-to-target it contains the evaluation resolution. */
  ci: Interval;
  /** Steps-to-target only: runs that never reached the target (right-censored). */
  censored?: number;
  /** Steps-to-target only: Kaplan-Meier median on the steps at which runs were seen to reach (Infinity: half or more never did). */
  median?: number;
  /** Steps-to-target only: the same median on the evaluation before, so the median lies in (low, high]. */
  medianBracket?: Interval;
}

/**
 * Summarize `column` over runs (all assumed ok): mean, std, se and a range-respecting 95% CI. For
 * steps-to-target columns the mean is over runs that reached, its CI spans the interval ends, and the
 * censored count and Kaplan-Meier median are added.
 */
export function summarizeMetric(runs: readonly CsvRow[], column: string, evalEveryOf: EvalEveryOf, level = 0.95): MetricSummary {
  const d = describe(runs.map((r) => num(r[column])).filter(Number.isFinite), level);
  if (!isStepsToColumn(column)) {
    return { n: d.n, mean: d.mean, std: d.std, se: d.se, ci: rangeInterval(d.mean, d.se, d.n - 1, columnRange(column), level) };
  }
  const times = censoredTimes(runs, column, evalEveryOf);
  return {
    n: d.n,
    mean: d.mean,
    std: d.std,
    se: d.se,
    ci: censoredMeanInterval(times, level),
    censored: times.filter((t) => !reached(t)).length,
    median: medianBracket(times).high,
    medianBracket: medianBracket(times),
  };
}

/**
 * `describe` of values of `column` with the range-respecting CI (for the report's sentences and tables);
 * `range` overrides the column's (e.g. a difference of two of its values).
 */
export function describeColumn(xs: readonly number[], column: string, range: Range = columnRange(column), level = 0.95): Description {
  const d = describe(xs, level);
  return { ...d, ci: rangeInterval(d.mean, d.se, d.n - 1, range, level) };
}
