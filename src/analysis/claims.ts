import type { ClaimConfig } from '../config/schema.js';
import { levelText } from '../config/claim-rules.js';
import { isStepsToColumn } from '../record/columns.js';
import type { Interval } from '../stats/describe.js';
import { MIN_TEST_PAIRS } from '../stats/sign-test.js';
import { cellLabel, type CsvRow, groupCells, okRuns, type ResultTables } from './cells.js';
import { compareMetric } from './compare.js';
import { censoredTimes, evalEveryFrom, summarizeMetric } from './metric-intervals.js';
import { meanIntervalInRange } from '../stats/range-interval.js';
import { logRatio } from './ratio.js';

// Claims: what an experiment expects, checked on its results. Each claim is checked in every cell of the
// other swept axes (restricted by `where`): the 95% interval of its estimate (B - A, B / A, or B's mean)
// wholly on the claimed side -> holds, wholly on the other side -> contradicted, else inconclusive.
// Estimates and intervals are the ones compare and summary use (ranges, censored steps-to-target).
// Fewer than 3 seeds (pairs) -> inconclusive, as no test is made from fewer. Pure.

/** A claim's verdict in one cell. */
export type ClaimVerdict = 'holds' | 'contradicted' | 'inconclusive';

/** One claim checked in one cell. */
export interface ClaimResult {
  claim: string;
  /** The cell's values of the other swept axes (`model.depth=8`, or `all runs`). */
  cell: string;
  metric: string;
  kind: 'difference' | 'ratio' | 'value';
  /** The bound in words: `>= 0.05`, `<= 0.5`, `in [0.1, 0.2]`. */
  bound: string;
  verdict: ClaimVerdict;
  estimate: number;
  ci: Interval;
  /** Seeds paired (difference, ratio) or runs used (value). */
  n: number;
  /** Why the verdict is inconclusive beyond the interval (too few seeds, no runs), else ''. */
  note: string;
}

function boundText(b: { atLeast?: number | undefined; atMost?: number | undefined }): string {
  if (b.atLeast !== undefined && b.atMost !== undefined) return `in [${b.atLeast}, ${b.atMost}]`;
  return b.atLeast !== undefined ? `>= ${b.atLeast}` : `<= ${b.atMost}`;
}

/** holds / contradicted / inconclusive of an interval against a bound (ends count as inside). */
export function verdictOf(ci: Interval, b: { atLeast?: number | undefined; atMost?: number | undefined }): ClaimVerdict {
  if (Number.isNaN(ci.low) || Number.isNaN(ci.high)) return 'inconclusive';
  const lowOk = b.atLeast === undefined || ci.low >= b.atLeast;
  const highOk = b.atMost === undefined || ci.high <= b.atMost;
  if (lowOk && highOk) return 'holds';
  const below = b.atLeast !== undefined && ci.high < b.atLeast;
  const above = b.atMost !== undefined && ci.low > b.atMost;
  return below || above ? 'contradicted' : 'inconclusive';
}

/** The runs `where` admits (every listed axis at one of its listed levels). */
function admitted(runs: readonly CsvRow[], where: ClaimConfig['where']): CsvRow[] {
  const rules = Object.entries(where ?? {}).map(([axis, v]) => [axis, (Array.isArray(v) ? v : [v]).map(levelText)] as const);
  return runs.filter((r) => rules.every(([axis, levels]) => levels.includes(levelText(r[axis] ?? ''))));
}

/** Check every claim in every cell it covers, claims in order, cells in runs.csv order. */
export function evaluateClaims(tables: ResultTables, claims: readonly ClaimConfig[], level = 0.95): ClaimResult[] {
  const every = evalEveryFrom(tables.manifest);
  return claims.flatMap((c) => {
    const kind = c.difference ? 'difference' : c.ratio ? 'ratio' : 'value';
    const b = (c.difference ?? c.ratio ?? c.value)!;
    const runs = admitted(tables.runs, c.where);
    const [compared] = Object.entries(c.compare ?? {});
    const base = { claim: c.name, metric: c.metric, kind, bound: boundText(b) } as const;
    if (compared === undefined) {
      return groupCells(runs, tables.axes).map((cell) => ({ ...base, cell: cellLabel(cell.params), ...valueOf(cell.runs, c.metric, every, b, level) }));
    }
    const [axis, pair] = compared;
    const [levelA, levelB] = pair.map(levelText) as [string, string];
    const others = tables.axes.filter((x) => x !== axis);
    const at = (r: CsvRow): string => levelText(r[axis] ?? '');
    return groupCells(runs.filter((r) => at(r) === levelA || at(r) === levelB), others).map((cell) => {
      const a = cell.runs.filter((r) => at(r) === levelA);
      const bRuns = cell.runs.filter((r) => at(r) === levelB);
      const label = cellLabel(cell.params);
      if (kind === 'value') return { ...base, cell: label, ...valueOf(bRuns, c.metric, every, b, level) };
      let estimate: number;
      let ci: Interval;
      let n: number;
      if (kind === 'ratio') {
        const r = logRatio(a, bRuns, c.metric, level, { a: every, b: every });
        [estimate, ci, n] = [r.ratio, r.ci, Math.min(r.nA, r.nB)];
      } else {
        const r = compareMetric({ cell: cell.params, a, b: bRuns, labelA: levelA, labelB: levelB, evalEvery: { a: every, b: every } }, c.metric, level);
        [estimate, ci, n] = [r.test.diff, r.test.ci, Math.min(r.test.nA, r.test.nB)];
      }
      return { ...base, cell: label, ...judged(estimate, ci, n, b) };
    });
  });
}

/** Verdict with the n >= 3 rule. */
function judged(estimate: number, ci: Interval, n: number, b: { atLeast?: number | undefined; atMost?: number | undefined }): Pick<ClaimResult, 'verdict' | 'estimate' | 'ci' | 'n' | 'note'> {
  if (n < MIN_TEST_PAIRS) return { verdict: 'inconclusive', estimate, ci, n, note: n === 0 ? 'no usable runs' : 'not enough seeds to test' };
  return { verdict: verdictOf(ci, b), estimate, ci, n, note: '' };
}

/**
 * A value claim on one side's runs: its mean with the summary's interval. With never-reached steps runs
 * the interval is (CI low of every run's lower end, Infinity): those runs took longer than their last step.
 */
function valueOf(runs: readonly CsvRow[], metric: string, every: ReturnType<typeof evalEveryFrom>, b: { atLeast?: number | undefined; atMost?: number | undefined }, level: number) {
  const s = summarizeMetric(okRuns(runs), metric, every, level);
  const censored = isStepsToColumn(metric) ? (s.censored ?? 0) : 0;
  // a never-reached run bounds the time only from below: the low end comes from every run's lower end
  const lows = censored > 0 ? censoredTimes(okRuns(runs), metric, every).map((t) => t.low) : [];
  const ci = censored > 0 ? { low: meanIntervalInRange(lows, [0, Infinity], level).ci.low, high: Number.POSITIVE_INFINITY } : s.ci;
  return judged(s.mean, ci, s.n + censored, b);
}
