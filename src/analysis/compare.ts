import { betterDirection, columnRange, isStepsToColumn } from '../record/columns.js';
import { cellLabel, type CsvRow, groupCells, num, okRuns, type ResultTables } from './cells.js';
import { type CensoredTime, censoredMeanInterval, censoredSign, intervalPairsMeanCi, reached } from '../stats/censored.js';
import { mean, variance } from '../stats/describe.js';
import { holm } from '../stats/holm.js';
import { differenceRange, rangeInterval } from '../stats/range-interval.js';
import { MIN_TEST_PAIRS, signTest } from '../stats/sign-test.js';
import { pairedTTest, type TTest, welchTTest } from '../stats/t-tests.js';
import { censoredTimeOf, type EvalEveryOf, evalEveryFrom } from './metric-intervals.js';

// `bn-exp compare`: per config cell and metric, B against A (difference = B - A), Holm-adjusted across
// every tested row of the comparison. A metric's difference CI stays in the range a difference of it can
// take (accuracies: [-1, 1]). Steps-to-target is interval-censored by the evaluation grid and
// right-censored when never reached: its paired test is a sign test where overlapping intervals tie, and
// its CI uses the interval ends. No test (no p-value, verdict n/a) with fewer than 3 pairs (or 3 runs a
// side), or when the differences have zero variance. Pure: takes tables, returns rows.

/** Runs of one cell on both sides, with labels for the two sides. */
export interface CompareGroup {
  /** The swept values shared by both sides (without the `--by` axis). */
  cell: Record<string, string>;
  a: CsvRow[];
  b: CsvRow[];
  labelA: string;
  labelB: string;
  /** Each side's train.evalEvery per run (steps-to-target resolution); default: runs.csv's column, else 50. */
  evalEvery?: { a: EvalEveryOf; b: EvalEveryOf };
}

/** How a row was tested: a t-test, a sign test on censored pairs, or not at all (not enough seeds). */
export type TestMethod = 't' | 'sign' | 'none';

/** One compared metric in one cell. */
export interface ComparisonRow {
  cell: Record<string, string>;
  labelA: string;
  labelB: string;
  metric: string;
  /**
   * The estimate and test; `kind` 'paired' when both sides have the same seeds. `p` (and `t`) NaN when
   * no test was made; `ci` NaN when n < 2.
   */
  test: TTest;
  /** Which test gave `test.p` ('none': fewer than 3 pairs or runs a side, or zero variance). */
  method: TestMethod;
  /** Sign test counts (steps-to-target, paired): pairs where B was earlier / later / tied with A. */
  signs?: { down: number; up: number; ties: number };
  divergedA: number;
  divergedB: number;
  /** Runs that never reached the target (steps-to-target metrics only). */
  censoredA: number;
  censoredB: number;
  /** Holm-adjusted p-value over every testable row of the comparison. */
  pHolm: number;
  /** pHolm < alpha. */
  changed: boolean;
  /**
   * Whether B is better or worse than A on this metric (`same` unless changed; `n/a` when not tested):
   * better/worse for metrics with a good side; higher/lower for diagnostics without one.
   */
  verdict: 'better' | 'worse' | 'higher' | 'lower' | 'same' | 'n/a';
}

/** A full comparison: the rows and the cells found on one side only. */
export interface Comparison {
  /** The swept paths that label a row's cell. */
  cellAxes: string[];
  rows: ComparisonRow[];
  onlyA: string[];
  onlyB: string[];
  alpha: number;
}

/** True when both sides hold exactly the same seeds, each once: then runs are paired by seed. */
export function sameSeeds(a: readonly CsvRow[], b: readonly CsvRow[]): boolean {
  const sa = a.map((r) => r.seed ?? '');
  const sb = b.map((r) => r.seed ?? '');
  const setA = new Set(sa);
  return setA.size === sa.length && sa.length === sb.length && new Set(sb).size === sb.length && sb.every((s) => setA.has(s));
}

/** Value of a metric for one run: NaN unless the run is ok and the cell holds a finite number. */
function value(run: CsvRow | undefined, metric: string): number {
  return run?.status === 'ok' ? num(run[metric]) : Number.NaN;
}

/** A test with no p-value (not enough seeds or zero variance). */
function untested(t: TTest): TTest {
  return { ...t, t: Number.NaN, p: Number.NaN };
}

/** The t-based comparison with the n >= 3 / nonzero-variance rule and a CI inside the difference's range. */
function tContrast(a: readonly CsvRow[], b: readonly CsvRow[], metric: string, level: number): { test: TTest; method: TestMethod } {
  let test: TTest;
  if (sameSeeds(a, b)) {
    const bySeed = new Map(b.map((r) => [r.seed, r]));
    const pairs = a.map((r) => [value(r, metric), value(bySeed.get(r.seed), metric)] as const).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    test = pairedTTest(pairs.map((p) => p[0]), pairs.map((p) => p[1]), level);
  } else {
    const xs = a.map((r) => value(r, metric)).filter(Number.isFinite);
    const ys = b.map((r) => value(r, metric)).filter(Number.isFinite);
    test = welchTTest(xs, ys, level);
  }
  test = { ...test, ci: rangeInterval(test.diff, test.se, test.df, differenceRange(columnRange(metric)), level) };
  // zero variance up to float rounding (e.g. +0.1 on every seed computed as 0.8 - 0.7) is still zero
  const flat = !(test.se > 1e-12 * Math.max(1, Math.abs(test.meanA), Math.abs(test.meanB)));
  const enough = Math.min(test.nA, test.nB) >= MIN_TEST_PAIRS && !flat;
  return enough ? { test, method: 't' } : { test: untested(test), method: 'none' };
}

/**
 * Steps-to-target: paired by seed, each run's time known as (evaluation before, evaluation reached] or
 * (last step, never). Estimate and CI over pairs where both reached (CI ends from the interval ends);
 * test: the sign test over all pairs, overlapping intervals and two never-reached runs tie. Unpaired
 * sides get the difference of the censored-mean CIs and no test.
 */
function stepsContrast(group: CompareGroup, metric: string, level: number): { test: TTest; method: TestMethod; signs?: { down: number; up: number; ties: number } } {
  const everyA = group.evalEvery?.a ?? evalEveryFrom(undefined);
  const everyB = group.evalEvery?.b ?? evalEveryFrom(undefined);
  const time = (r: CsvRow | undefined, every: EvalEveryOf): CensoredTime | undefined => (r === undefined ? undefined : censoredTimeOf(r, metric, every(r)));
  const nan = Number.NaN;
  if (!sameSeeds(group.a, group.b)) {
    const ta = group.a.flatMap((r) => time(r, everyA) ?? []).filter(reached);
    const tb = group.b.flatMap((r) => time(r, everyB) ?? []).filter(reached);
    const ca = censoredMeanInterval(ta, level);
    const cb = censoredMeanInterval(tb, level);
    const meanA = mean(ta.map((t) => t.high));
    const meanB = mean(tb.map((t) => t.high));
    const test: TTest = { kind: 'welch', nA: ta.length, nB: tb.length, meanA, meanB, diff: meanB - meanA, se: nan, df: nan, t: nan, p: nan, ci: { low: cb.low - ca.high, high: cb.high - ca.low } };
    return { test, method: 'none' };
  }
  const bySeed = new Map(group.b.map((r) => [r.seed, r]));
  const pairs = group.a.flatMap((r) => {
    const x = time(r, everyA);
    const y = time(bySeed.get(r.seed), everyB);
    return x && y ? [[x, y] as const] : [];
  });
  const both = pairs.filter(([x, y]) => reached(x) && reached(y));
  const diffs = both.map(([x, y]) => y.high - x.high);
  const sign = signTest(pairs.map(([x, y]) => censoredSign(x, y)));
  const n = both.length;
  const ci = intervalPairsMeanCi(both.map(([x, y]) => ({ low: y.low - x.high, high: y.high - x.low })), level);
  // zero variance: every pair reached with one and the same difference (a quantized constant shift)
  const flat = n === pairs.length && n >= 2 && variance(diffs) === 0;
  const tested = !Number.isNaN(sign.p) && !flat;
  const test: TTest = {
    kind: 'paired',
    nA: n,
    nB: n,
    meanA: mean(both.map(([x]) => x.high)),
    meanB: mean(both.map(([, y]) => y.high)),
    diff: mean(diffs),
    se: Math.sqrt(variance(diffs) / n),
    df: n - 1,
    t: nan,
    p: tested ? sign.p : nan,
    ci,
  };
  return { test, method: tested ? 'sign' : 'none', signs: { down: sign.down, up: sign.up, ties: sign.ties } };
}

/**
 * Compare one metric of one group: paired by seed when both sides hold the same seeds, else unpaired
 * (Welch). Steps-to-target columns are treated as censored (see the file comment).
 */
export function compareMetric(group: CompareGroup, metric: string, level = 0.95): Omit<ComparisonRow, 'pHolm' | 'changed' | 'verdict'> {
  const { a, b } = group;
  const contrast = isStepsToColumn(metric) ? stepsContrast(group, metric, level) : tContrast(a, b, metric, level);
  const censored = (runs: readonly CsvRow[]): number =>
    isStepsToColumn(metric) ? okRuns(runs).filter((r) => (r[metric] ?? '').trim() === '').length : 0;
  const diverged = (runs: readonly CsvRow[]): number => runs.filter((r) => r.status === 'diverged').length;
  return {
    cell: group.cell,
    labelA: group.labelA,
    labelB: group.labelB,
    metric,
    ...contrast,
    divergedA: diverged(a),
    divergedB: diverged(b),
    censoredA: censored(a),
    censoredB: censored(b),
  };
}

/** Compare every metric of every group, then Holm-adjust the p-values of all rows together. */
export function compareGroups(
  groups: readonly CompareGroup[],
  metrics: readonly string[],
  opts: { alpha?: number; level?: number } = {},
): ComparisonRow[] {
  const alpha = opts.alpha ?? 0.05;
  const raw = groups.flatMap((g) => metrics.map((m) => compareMetric(g, m, opts.level)));
  const adjusted = holm(raw.map((r) => r.test.p));
  return raw.map((r, i) => {
    const pHolm = adjusted[i]!;
    const changed = pHolm < alpha;
    if (Number.isNaN(pHolm)) return { ...r, pHolm, changed: false, verdict: 'n/a' as const };
    // a sign test's direction is the majority of untied pairs (the mean may rest on fewer pairs)
    const up = r.signs ? r.signs.up > r.signs.down : r.test.diff > 0;
    const better = betterDirection(r.metric);
    const good = better === 'higher' ? up : !up;
    const moved = better === 'none' ? (up ? 'higher' : 'lower') : good ? 'better' : 'worse';
    return { ...r, pHolm, changed, verdict: changed ? moved : 'same' };
  });
}

/**
 * Align two result sets cell by cell (same swept axes required). Returns the groups present on both
 * sides, the cells found on one side only, and problems that make the two sets incomparable.
 */
export function alignSets(
  a: ResultTables,
  b: ResultTables,
  labels: { a: string; b: string },
): { groups: CompareGroup[]; onlyA: string[]; onlyB: string[]; problems: string[] } {
  const sameAxes = a.axes.length === b.axes.length && a.axes.every((x) => b.axes.includes(x));
  if (!sameAxes) {
    const show = (axes: string[]): string => (axes.length === 0 ? '(none)' : axes.join(', '));
    return { groups: [], onlyA: [], onlyB: [], problems: [`the two result sets sweep different axes: ${show(a.axes)} vs ${show(b.axes)}`] };
  }
  const cellsB = new Map(groupCells(b.runs, a.axes).map((c) => [c.key, c]));
  const groups: CompareGroup[] = [];
  const onlyA: string[] = [];
  const evalEvery = { a: evalEveryFrom(a.manifest), b: evalEveryFrom(b.manifest) };
  for (const cell of groupCells(a.runs, a.axes)) {
    const other = cellsB.get(cell.key);
    if (other) groups.push({ cell: cell.params, a: cell.runs, b: other.runs, labelA: labels.a, labelB: labels.b, evalEvery });
    else onlyA.push(cellLabel(cell.params));
  }
  const keysA = new Set(groupCells(a.runs, a.axes).map((c) => c.key));
  const onlyB = groupCells(b.runs, a.axes).filter((c) => !keysA.has(c.key)).map((c) => cellLabel(c.params));
  return { groups, onlyA, onlyB, problems: [] };
}

/**
 * `--by <axis>` inside one result set: each level of `axis` after the first against the first, within
 * every cell of the other axes (the twins that differ only in `axis`; same seeds, so paired).
 */
export function levelGroups(set: ResultTables, axis: string): { groups: CompareGroup[]; levels: string[]; problems: string[] } {
  if (!set.axes.includes(axis)) {
    return { groups: [], levels: [], problems: [`${axis} is not a swept axis of this result set (swept: ${set.axes.join(', ') || 'none'})`] };
  }
  const others = set.axes.filter((x) => x !== axis);
  const levels = [...new Set(set.runs.map((r) => r[axis] ?? ''))];
  if (levels.length < 2) return { groups: [], levels, problems: [`${axis} takes only one value here: nothing to compare`] };
  const [ref, ...rest] = levels as [string, ...string[]];
  const groups: CompareGroup[] = [];
  const every = evalEveryFrom(set.manifest);
  for (const cell of groupCells(set.runs, others)) {
    const at = (level: string): CsvRow[] => cell.runs.filter((r) => r[axis] === level);
    for (const level of rest) {
      const b = at(level);
      if (b.length > 0) groups.push({ cell: cell.params, a: at(ref), b, labelA: `${axis}=${ref}`, labelB: `${axis}=${level}`, evalEvery: { a: every, b: every } });
    }
  }
  return { groups, levels, problems: [] };
}
