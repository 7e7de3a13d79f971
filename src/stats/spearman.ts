import { twoSidedP } from './describe.js';

// Spearman's rank correlation between two paired samples: Pearson's correlation of the ranks (ties get
// their average rank). Its two-sided p-value is exact (all n! orderings of one sample) for n <= 8, else
// from t = rho sqrt((n - 2) / (1 - rho^2)) with n - 2 degrees of freedom. Pure.

/** Ranks 1..n of `xs`, ties sharing their average rank. */
export function ranks(xs: readonly number[]): number[] {
  const order = xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(xs.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    for (let k = i; k <= j; k++) r[order[k]![1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

/** Pearson's correlation of two equal-length samples (NaN when either has no spread or n < 2). */
export function pearson(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  if (n < 2 || ys.length !== n) return Number.NaN;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : Number.NaN;
}

/** Spearman's rho with its n and two-sided p-value (NaN when undefined). */
export interface RankCorrelation {
  n: number;
  rho: number;
  p: number;
}

/** Largest n whose p-value is computed exactly over every ordering. */
export const EXACT_MAX_N = 8;

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
}

/** Spearman's rank correlation of paired values (pairs with a non-finite value are dropped). */
export function spearman(xs: readonly number[], ys: readonly number[]): RankCorrelation {
  const keep = xs.map((x, i) => [x, ys[i]!] as const).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const n = keep.length;
  const rx = ranks(keep.map((p) => p[0]));
  const ry = ranks(keep.map((p) => p[1]));
  const rho = pearson(rx, ry);
  if (!Number.isFinite(rho) || n < 3) return { n, rho, p: Number.NaN };
  if (n <= EXACT_MAX_N) {
    // Exact: the share of orderings of ry at least as correlated (in absolute value) as the observed one.
    let hits = 0;
    const all = permutations(n);
    for (const perm of all) if (Math.abs(pearson(rx, perm.map((i) => ry[i]!))) >= Math.abs(rho) - 1e-12) hits++;
    return { n, rho, p: hits / all.length };
  }
  if (Math.abs(rho) >= 1) return { n, rho, p: 0 };
  const t = rho * Math.sqrt((n - 2) / (1 - rho * rho));
  return { n, rho, p: twoSidedP(t, n - 2) };
}

