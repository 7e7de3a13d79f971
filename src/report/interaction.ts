import { type CompareGroup, sameSeeds } from '../analysis/compare.js';
import { type CsvRow, num } from '../analysis/cells.js';
import { describe, type Interval, mean, studentTQuantile, variance } from '../stats/describe.js';

// An interaction: how much the effect of B vs A (one contrast) changes between two levels C and D of
// another axis, i.e. the difference of differences (B_D - A_D) - (B_C - A_C). Paired by seed when all four
// arms hold the same seeds (one difference of differences per seed, a t interval over seeds), else a
// Welch-type interval from the four arms' means. Below 3 seeds (pairs, or runs in any arm), or with no
// spread between seeds, there is no interval: 2 values give a t interval too wide, or too lucky, to trust. Pure.

/** The fewest seeds an interaction's interval is computed from. */
export const MIN_INTERACTION_SEEDS = 3;

/** The difference of differences with its interval, or why there is none. */
export interface InteractionEstimate {
  kind: 'paired' | 'welch';
  /** Seeds present in all four arms (paired) or the smallest arm's number of values (Welch). */
  n: number;
  /** B - A at the `by` level C (the first) and D (the second). */
  effectC: number;
  effectD: number;
  /** effectD - effectC. */
  dd: number;
  /** 95% interval of dd; NaN ends when `why` says there is none. */
  ci: Interval;
  why?: 'not enough seeds' | 'no spread between seeds';
}

const NONE: Interval = { low: Number.NaN, high: Number.NaN };
const valueOf = (r: CsvRow | undefined, metric: string): number => (r?.status === 'ok' ? num(r[metric]) : Number.NaN);

/** The interaction of `metric` from the B-vs-A groups at `by` level C (`atC`) and D (`atD`). */
export function interactionOf(atC: CompareGroup, atD: CompareGroup, metric: string, level = 0.95): InteractionEstimate {
  const arms = [atC.a, atC.b, atD.a, atD.b];
  if (arms.every((arm) => sameSeeds(arms[0]!, arm))) {
    const seeds = atC.a.map((r) => r.seed);
    const bySeed = arms.map((arm) => new Map(arm.map((r) => [r.seed, r])));
    const rows = seeds
      .map((s) => bySeed.map((m) => valueOf(m.get(s), metric)))
      .filter((xs) => xs.every(Number.isFinite));
    const effectC = mean(rows.map(([aC, bC]) => bC! - aC!));
    const effectD = mean(rows.map(([, , aD, bD]) => bD! - aD!));
    const d = describe(rows.map(([aC, bC, aD, bD]) => bD! - aD! - (bC! - aC!)), level);
    const base = { kind: 'paired' as const, n: d.n, effectC, effectD, dd: d.mean };
    if (d.n < MIN_INTERACTION_SEEDS) return { ...base, ci: NONE, why: 'not enough seeds' };
    if (!(d.std > 0)) return { ...base, ci: NONE, why: 'no spread between seeds' };
    return { ...base, ci: d.ci };
  }
  const xs = arms.map((arm) => arm.map((r) => valueOf(r, metric)).filter(Number.isFinite));
  const [aC, bC, aD, bD] = xs.map(mean) as [number, number, number, number];
  const n = Math.min(...xs.map((x) => x.length));
  const base = { kind: 'welch' as const, n, effectC: bC - aC, effectD: bD - aD, dd: bD - aD - (bC - aC) };
  if (n < MIN_INTERACTION_SEEDS) return { ...base, ci: NONE, why: 'not enough seeds' };
  // se^2 = sum of var_i / n_i over the four arms; Welch-Satterthwaite degrees of freedom.
  const parts = xs.map((x) => variance(x) / x.length);
  const se2 = parts.reduce((s, v) => s + v, 0);
  if (!(se2 > 0)) return { ...base, ci: NONE, why: 'no spread between seeds' };
  const df = se2 ** 2 / parts.reduce((s, v, i) => s + v ** 2 / (xs[i]!.length - 1), 0);
  const half = studentTQuantile((1 + level) / 2, df) * Math.sqrt(se2);
  return { ...base, ci: { low: base.dd - half, high: base.dd + half } };
}
