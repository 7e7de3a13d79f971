import { betterDirection, isStepsToColumn } from '../record/columns.js';
import { cellLabel, type CsvRow, groupCells, num, okRuns, type ResultTables } from './cells.js';
import { holm } from '../stats/holm.js';
import { pairedTTest, type TTest, welchTTest } from '../stats/t-tests.js';

// `bn-exp compare`: per config cell and metric, B against A (difference = B - A) with a t-test, Holm-
// adjusted across every row of the comparison. Pure: takes tables, returns rows.

/** Runs of one cell on both sides, with labels for the two sides. */
export interface CompareGroup {
  /** The swept values shared by both sides (without the `--by` axis). */
  cell: Record<string, string>;
  a: CsvRow[];
  b: CsvRow[];
  labelA: string;
  labelB: string;
}

/** One compared metric in one cell. */
export interface ComparisonRow {
  cell: Record<string, string>;
  labelA: string;
  labelB: string;
  metric: string;
  /** The test run; `kind` 'paired' when both sides have the same seeds. NaN statistics when n < 2. */
  test: TTest;
  divergedA: number;
  divergedB: number;
  /** Runs that never reached the target (steps-to-target metrics only). */
  censoredA: number;
  censoredB: number;
  /** Holm-adjusted p-value over every testable row of the comparison. */
  pHolm: number;
  /** pHolm < alpha. */
  changed: boolean;
  /** Whether B is better or worse than A on this metric (`same` unless changed). */
  /** better/worse for metrics with a good side; higher/lower for diagnostics without one. */
  verdict: 'better' | 'worse' | 'higher' | 'lower' | 'same';
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

/** Compare one metric of one group: paired t-test over seeds present (and finite) on both sides, else Welch. */
export function compareMetric(group: CompareGroup, metric: string, level = 0.95): Omit<ComparisonRow, 'pHolm' | 'changed' | 'verdict'> {
  const { a, b } = group;
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
  const censored = (runs: readonly CsvRow[]): number =>
    isStepsToColumn(metric) ? okRuns(runs).filter((r) => (r[metric] ?? '').trim() === '').length : 0;
  const diverged = (runs: readonly CsvRow[]): number => runs.filter((r) => r.status === 'diverged').length;
  return {
    cell: group.cell,
    labelA: group.labelA,
    labelB: group.labelB,
    metric,
    test,
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
    const up = r.test.diff > 0;
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
  for (const cell of groupCells(a.runs, a.axes)) {
    const other = cellsB.get(cell.key);
    if (other) groups.push({ cell: cell.params, a: cell.runs, b: other.runs, labelA: labels.a, labelB: labels.b });
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
  for (const cell of groupCells(set.runs, others)) {
    const at = (level: string): CsvRow[] => cell.runs.filter((r) => r[axis] === level);
    for (const level of rest) {
      const b = at(level);
      if (b.length > 0) groups.push({ cell: cell.params, a: at(ref), b, labelA: `${axis}=${ref}`, labelB: `${axis}=${level}` });
    }
  }
  return { groups, levels, problems: [] };
}
