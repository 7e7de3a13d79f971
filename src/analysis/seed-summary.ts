import { bootstrapMeanCi, type IntSource } from '../stats/bootstrap.js';
import { columnRange, isStepsToColumn } from '../record/columns.js';
import { type CsvRow, finiteValues, groupCells, num, okRuns } from './cells.js';
import { describe } from '../stats/describe.js';
import { rangeInterval } from '../stats/range-interval.js';
import { censoredTimes, type EvalEveryOf, evalEveryFrom, summarizeMetric } from './metric-intervals.js';

// summary.csv and curves_summary.csv: statistics over seeds, one row per config cell (and step).
// Statistics are over runs with status ok; diverged and failed runs are counted, not averaged (their
// last values are NaN or exploded). A steps-to-target column's empty cells are censored runs (target
// never reached): counted in `<col>_censored`, left out of its mean, and kept in its Kaplan-Meier
// `<col>_median`. Every interval stays inside its metric's range (metric-intervals.ts); a steps column's
// intervals span the evaluation resolution (the lower ends use the evaluation before the one that reached).

/** Statistic suffixes of each run metric in summary.csv, in column order. */
export const SUMMARY_STATS = ['n', 'mean', 'std', 'se', 'ci_low', 'ci_high', 'boot_low', 'boot_high'] as const;
/** Statistic suffixes of each curve metric in curves_summary.csv, in column order. */
export const CURVE_STATS = ['n', 'mean', 'std', 'ci_low', 'ci_high'] as const;

/** A summary row: column -> number or string ('' where a statistic cannot be computed). */
export type SummaryRow = Record<string, string | number>;

/** NaN/Infinity are not statistics anyone should parse: write them as ''. */
function out(x: number): number | string {
  return Number.isFinite(x) ? x : '';
}

/** Column order of summary.csv. */
export function summaryColumns(axes: readonly string[], metrics: readonly string[]): string[] {
  return [
    ...axes,
    'runs',
    'diverged',
    'failed',
    ...metrics.flatMap((m) => [...SUMMARY_STATS.map((s) => `${m}_${s}`), ...(isStepsToColumn(m) ? [`${m}_censored`, `${m}_median`] : [])]),
  ];
}

/**
 * One summary.csv row per cell: run counts, then for each metric n, mean, std (n - 1), standard error,
 * the range-respecting t-based 95% CI and the percentile bootstrap 95% CI (n >= 5); steps-to-target
 * columns add the censored count and the Kaplan-Meier median.
 * @param rngFor the bootstrap generator of a cell and metric (fresh per call, so rows do not depend on order)
 * @param evalEveryOf each run's evaluation interval (default: its `train.evalEvery` column, else 50)
 */
export function summarizeRuns(
  runs: readonly CsvRow[],
  axes: readonly string[],
  metrics: readonly string[],
  rngFor: (cellKey: string, metric: string) => IntSource,
  evalEveryOf: EvalEveryOf = evalEveryFrom(undefined),
): SummaryRow[] {
  return groupCells(runs, axes).map((cell) => {
    const row: SummaryRow = { ...cell.params };
    row.runs = cell.runs.length;
    row.diverged = cell.runs.filter((r) => r.status === 'diverged').length;
    row.failed = cell.runs.filter((r) => r.status === 'failed').length;
    const ok = okRuns(cell.runs);
    for (const m of metrics) {
      const xs = finiteValues(ok, m);
      const d = summarizeMetric(ok, m, evalEveryOf);
      Object.assign(row, {
        [`${m}_n`]: d.n,
        [`${m}_mean`]: out(d.mean),
        [`${m}_std`]: out(d.std),
        [`${m}_se`]: out(d.se),
        [`${m}_ci_low`]: out(d.ci.low),
        [`${m}_ci_high`]: out(d.ci.high),
      });
      if (isStepsToColumn(m)) {
        // bootstrap the lower ends for the low bound and the upper ends for the high one (one stream, in turn)
        const times = censoredTimes(ok, m, evalEveryOf).filter((t) => Number.isFinite(t.high));
        const rng = rngFor(cell.key, m);
        const low = bootstrapMeanCi(times.map((t) => t.low), rng).low;
        const high = bootstrapMeanCi(times.map((t) => t.high), rng).high;
        Object.assign(row, { [`${m}_boot_low`]: out(low), [`${m}_boot_high`]: out(high) });
        row[`${m}_censored`] = d.censored ?? 0;
        row[`${m}_median`] = out(d.median ?? Number.NaN);
      } else {
        const boot = bootstrapMeanCi(xs, rngFor(cell.key, m));
        Object.assign(row, { [`${m}_boot_low`]: out(boot.low), [`${m}_boot_high`]: out(boot.high) });
      }
    }
    return row;
  });
}

/** Column order of curves_summary.csv. */
export function curvesSummaryColumns(axes: readonly string[], metrics: readonly string[]): string[] {
  return [...axes, 'step', ...metrics.flatMap((m) => CURVE_STATS.map((s) => `${m}_${s}`))];
}

/** Curve rows of the ok runs of each cell, grouped by step (ascending). */
export function curvesByCellAndStep(
  runs: readonly CsvRow[],
  curves: readonly CsvRow[],
  axes: readonly string[],
): { params: Record<string, string>; key: string; steps: Map<number, CsvRow[]> }[] {
  const byRun = new Map<string, CsvRow[]>();
  for (const c of curves) {
    const id = c.run_id ?? '';
    const list = byRun.get(id);
    if (list) list.push(c);
    else byRun.set(id, [c]);
  }
  return groupCells(runs, axes).map((cell) => {
    const steps = new Map<number, CsvRow[]>();
    for (const run of okRuns(cell.runs)) {
      for (const c of byRun.get(run.run_id ?? '') ?? []) {
        const step = num(c.step);
        const list = steps.get(step);
        if (list) list.push(c);
        else steps.set(step, [c]);
      }
    }
    return { params: cell.params, key: cell.key, steps: new Map([...steps].sort((a, b) => a[0] - b[0])) };
  });
}

/** One curves_summary.csv row per cell and evaluation step: n, mean, std and range-respecting t-based 95% CI of each metric. */
export function summarizeCurves(
  runs: readonly CsvRow[],
  curves: readonly CsvRow[],
  axes: readonly string[],
  metrics: readonly string[],
): SummaryRow[] {
  const rows: SummaryRow[] = [];
  for (const cell of curvesByCellAndStep(runs, curves, axes)) {
    for (const [step, at] of cell.steps) {
      const row: SummaryRow = { ...cell.params, step };
      for (const m of metrics) {
        const d = describe(finiteValues(at, m));
        const ci = rangeInterval(d.mean, d.se, d.n - 1, columnRange(m));
        Object.assign(row, {
          [`${m}_n`]: d.n,
          [`${m}_mean`]: out(d.mean),
          [`${m}_std`]: out(d.std),
          [`${m}_ci_low`]: out(ci.low),
          [`${m}_ci_high`]: out(ci.high),
        });
      }
      rows.push(row);
    }
  }
  return rows;
}
