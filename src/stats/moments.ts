/** A row-major float matrix (structurally a data split). */
interface Split {
  x: Float32Array; // [n, features]
  n: number;
  features: number;
}

/**
 * Descriptive statistics of plain arrays and splits. Population (biased, divide-by-n) moments, the
 * same convention as batch norm's batch variance; two passes in float64.
 */

/** Mean, std, skewness and excess kurtosis of a sample. */
export interface Moments {
  mean: number;
  std: number;
  skewness: number;
  /** Kurtosis minus 3 (0 for a normal, 3 for a Laplace, -1.2 for a uniform). */
  excessKurtosis: number;
}

/** Per-feature moments of a split, one entry per feature. */
export interface FeatureStats {
  mean: Float64Array;
  std: Float64Array;
  skewness: Float64Array;
  excessKurtosis: Float64Array;
}

/** Moments of `count` values read at `start`, `start + stride`, ... */
export function stridedMoments(values: ArrayLike<number>, start: number, stride: number, count: number): Moments {
  let sum = 0;
  for (let i = 0, k = start; i < count; i++, k += stride) sum += values[k] as number;
  const mean = sum / count;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0, k = start; i < count; i++, k += stride) {
    const d = (values[k] as number) - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  m2 /= count;
  m3 /= count;
  m4 /= count;
  return {
    mean,
    std: Math.sqrt(m2),
    skewness: m2 > 0 ? m3 / m2 ** 1.5 : 0,
    excessKurtosis: m2 > 0 ? m4 / (m2 * m2) - 3 : 0,
  };
}

/** Population moments of a 1-D sample. */
export function moments(values: ArrayLike<number>): Moments {
  return stridedMoments(values, 0, 1, values.length);
}

/** Moments of feature `j` of a split. */
export function featureMoments(split: Split, j: number): Moments {
  return stridedMoments(split.x, j, split.features, split.n);
}

/** Per-feature mean, std (population), skewness and excess kurtosis of a split. */
export function featureStats(split: Split): FeatureStats {
  const f = split.features;
  const out: FeatureStats = {
    mean: new Float64Array(f),
    std: new Float64Array(f),
    skewness: new Float64Array(f),
    excessKurtosis: new Float64Array(f),
  };
  for (let j = 0; j < f; j++) {
    const m = featureMoments(split, j);
    out.mean[j] = m.mean;
    out.std[j] = m.std;
    out.skewness[j] = m.skewness;
    out.excessKurtosis[j] = m.excessKurtosis;
  }
  return out;
}

/** Pearson correlation between features `i` and `j` of a split. */
export function featureCorrelation(split: Split, i: number, j: number): number {
  const { x, n, features: f } = split;
  const a = featureMoments(split, i);
  const b = featureMoments(split, j);
  let cov = 0;
  for (let r = 0; r < n; r++) cov += ((x[r * f + i] as number) - a.mean) * ((x[r * f + j] as number) - b.mean);
  return cov / n / (a.std * b.std);
}

/** Number of examples of each class 0..classes-1. */
export function classCounts(y: Int32Array, classes: number): Int32Array {
  const counts = new Int32Array(classes);
  for (let i = 0; i < y.length; i++) {
    const c = y[i] as number;
    if (c < 0 || c >= classes) throw new RangeError(`label ${c} at ${i} is outside [0, ${classes})`);
    counts[c] = (counts[c] as number) + 1;
  }
  return counts;
}
