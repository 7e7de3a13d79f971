import { type CompareGroup, sameSeeds } from '../analysis/compare.js';
import { type CsvRow, groupCells, num } from '../analysis/cells.js';
import { isStepsToColumn } from '../record/columns.js';
import { mean, variance } from '../stats/describe.js';

// Which comparison groups a headline leads with: the cells where the answer differs most, not the first
// cells in plan order. A cell where one arm diverged (or, for steps to a target, never reached it) while
// the other did not always counts as large; the others are ordered by their standardized effect. Pure.

/** How strongly the two arms of one group differ on a metric. */
export interface Evidence {
  /**
   * Largest difference between the arms in the fraction of runs that diverged or failed, or (steps to a
   * target) did not reach it; > 0 means the arms' outcomes split, which always counts as large.
   */
  split: number;
  /** |B - A| over the seed-to-seed standard deviation (Cohen's d, paired by seed when possible); NaN without values. */
  effect: number;
}

/** Options of the effect size: `log` compares log values (for ratios of positive metrics). */
export interface EvidenceOptions {
  log?: boolean;
}

const failed = (r: CsvRow): boolean => r.status === 'diverged' || r.status === 'failed';

/** A run's value as the comparison uses it: ok runs with a finite (and, on the log scale, positive) value; else NaN. */
function valueOf(run: CsvRow | undefined, metric: string, log: boolean): number {
  const x = run?.status === 'ok' ? num(run[metric]) : Number.NaN;
  if (!Number.isFinite(x)) return Number.NaN;
  if (!log) return x;
  return x > 0 ? Math.log(x) : Number.NaN;
}

/** Fraction of `runs` for which `bad` holds (0 for no runs). */
function fraction(runs: readonly CsvRow[], bad: (r: CsvRow) => boolean): number {
  return runs.length === 0 ? 0 : runs.filter(bad).length / runs.length;
}

/** Pooled within-arm variance of two samples ((nA-1) sA^2 + (nB-1) sB^2) / (nA + nB - 2); NaN when df = 0. */
function pooledVariance(xs: readonly number[][]): number {
  let ss = 0;
  let df = 0;
  for (const x of xs) {
    if (x.length < 2) continue;
    ss += variance(x) * (x.length - 1);
    df += x.length - 1;
  }
  return df > 0 ? ss / df : Number.NaN;
}

/**
 * The seed-to-seed standard deviation of `metric` over every cell of `runs` (pooled within cells): the
 * yardstick for groups whose own arms have no spread (a single seed, or identical values).
 */
export function pooledSpread(runs: readonly CsvRow[], axes: readonly string[], metric: string, opts: EvidenceOptions = {}): number {
  const cells = groupCells(runs, axes).map((c) => c.runs.map((r) => valueOf(r, metric, opts.log ?? false)).filter(Number.isFinite));
  return Math.sqrt(pooledVariance(cells));
}

/** The evidence that a group's arms differ on `metric`; `fallbackSd` is used when the group's own spread is 0 or unknown. */
export function evidenceOf(g: Pick<CompareGroup, 'a' | 'b'>, metric: string, fallbackSd: number, opts: EvidenceOptions = {}): Evidence {
  const log = opts.log ?? false;
  const steps = isStepsToColumn(metric);
  const missed = (r: CsvRow): boolean => failed(r) || (steps && r.status === 'ok' && !Number.isFinite(num(r[metric])));
  const split = Math.max(Math.abs(fraction(g.a, failed) - fraction(g.b, failed)), Math.abs(fraction(g.a, missed) - fraction(g.b, missed)));
  let diff: number;
  let sd: number;
  if (sameSeeds(g.a, g.b)) {
    // Paired by seed: the difference of the seeds present on both sides, the spread of the arms over those seeds.
    const bySeed = new Map(g.b.map((r) => [r.seed, r]));
    const pairs = g.a
      .map((r) => [valueOf(r, metric, log), valueOf(bySeed.get(r.seed), metric, log)] as const)
      .filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    diff = mean(pairs.map(([x, y]) => y - x));
    sd = Math.sqrt(pooledVariance([pairs.map((p) => p[0]), pairs.map((p) => p[1])]));
  } else {
    const xs = g.a.map((r) => valueOf(r, metric, log)).filter(Number.isFinite);
    const ys = g.b.map((r) => valueOf(r, metric, log)).filter(Number.isFinite);
    diff = mean(ys) - mean(xs);
    sd = Math.sqrt(pooledVariance([xs, ys]));
  }
  const scale = sd > 0 ? sd : fallbackSd > 0 ? fallbackSd : 1;
  return { split, effect: Math.abs(diff) / scale };
}

/**
 * The groups in the order a headline should name them: outcome splits first (largest split first),
 * then by |standardized effect|, groups without a value last; ties keep plan order.
 */
export function rankByEvidence<G extends Pick<CompareGroup, 'a' | 'b'>>(
  groups: readonly G[],
  metric: string,
  runs: readonly CsvRow[],
  axes: readonly string[],
  opts: EvidenceOptions = {},
): G[] {
  const fallback = pooledSpread(runs, axes, metric, opts);
  const scored = groups.map((g, i) => ({ g, i, e: evidenceOf(g, metric, fallback, opts) }));
  const effect = (e: Evidence): number => (Number.isFinite(e.effect) ? e.effect : -1);
  scored.sort((x, y) => y.e.split - x.e.split || effect(y.e) - effect(x.e) || x.i - y.i);
  return scored.map((s) => s.g);
}

/** True when the arms' outcomes split (one diverged or missed the target where the other did not). */
export function outcomesSplit(g: Pick<CompareGroup, 'a' | 'b'>, metric: string): boolean {
  return evidenceOf(g, metric, 1).split > 0;
}
