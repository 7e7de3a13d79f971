import { type Interval, mean, quantileSorted } from './describe.js';

/** What the bootstrap needs from a generator: uniform integers in [0, n) (the project's `Rng` fits). */
export interface IntSource {
  int(n: number): number;
}

/** Fewest values for which a bootstrap CI is reported: below this the resamples are too few and too coarse. */
export const MIN_BOOTSTRAP_N = 5;

/**
 * Percentile bootstrap CI of the mean: `resamples` resamples with replacement, the (1-level)/2 and
 * (1+level)/2 type-7 quantiles of their means. NaN ends for fewer than `MIN_BOOTSTRAP_N` values.
 * Deterministic for a given generator state (pass a seeded `Rng`; never Math.random).
 */
export function bootstrapMeanCi(
  xs: readonly number[],
  rng: IntSource,
  opts: { resamples?: number; level?: number } = {},
): Interval {
  const n = xs.length;
  if (n < MIN_BOOTSTRAP_N) return { low: Number.NaN, high: Number.NaN };
  const resamples = opts.resamples ?? 2000;
  const level = opts.level ?? 0.95;
  const means = new Float64Array(resamples);
  const sample: number[] = new Array<number>(n);
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) sample[i] = xs[rng.int(n)]!;
    means[b] = mean(sample);
  }
  const sorted = Array.from(means.sort());
  return { low: quantileSorted(sorted, (1 - level) / 2), high: quantileSorted(sorted, (1 + level) / 2) };
}
