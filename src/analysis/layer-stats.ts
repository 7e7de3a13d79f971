import { moments } from '../data/stats.js';

/*
 * Per-unit distribution statistics of a layer's pre-activations (pure; plain arrays in, numbers out).
 * Definitions: SCIENCE.md 1.4 (Ioffe & Szegedy Fig. 1 percentiles and drift), 6 (shape diagnostics).
 */

/** Quantile of an ascending array by linear interpolation between order statistics (R type 7). */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return (sorted[lo] as number) + (h - lo) * ((sorted[hi] as number) - (sorted[lo] as number));
}

/** Distribution summary of one unit over the probe examples. */
export interface UnitStats {
  mean: number;
  /** Population std (divides by n), the BN convention. */
  std: number;
  q15: number;
  q50: number;
  q85: number;
  /** Sample skewness m3 / m2^1.5 (0 for a constant unit). */
  skew: number;
  /** Excess kurtosis m4 / m2² − 3 (0 for a constant unit). */
  kurt: number;
}

/** Mean, std, 15/50/85th percentiles, skewness and excess kurtosis of one ascending column. */
export function unitStats(sorted: Float32Array): UnitStats {
  const m = moments(sorted);
  return {
    mean: m.mean,
    std: m.std,
    q15: quantileSorted(sorted, 0.15),
    q50: quantileSorted(sorted, 0.5),
    q85: quantileSorted(sorted, 0.85),
    skew: m.skewness,
    kurt: m.excessKurtosis,
  };
}

/** Columns shorter than this are sorted natively; the radix sort's 4 x 256 buckets pay off from about here. */
const RADIX_MIN = 256;

/**
 * Sorts float32 values ascending in place with an LSD radix sort on their bit patterns (4 passes of
 * 8 bits): O(n), several times faster than TypedArray.prototype.sort on probe-sized columns. Negative
 * floats have all bits flipped and positive ones their sign bit, which makes the uint32 order the
 * numeric order (NaNs end up last, -0 before +0).
 */
export function sortFloat32(values: Float32Array): Float32Array {
  const n = values.length;
  if (n < RADIX_MIN) return values.sort(); // the native sort wins on short columns (measured: 2.3x at 64)
  let keys: Uint32Array = new Uint32Array(values.buffer, values.byteOffset, n);
  for (let i = 0; i < n; i++) {
    const k = keys[i] as number;
    keys[i] = k & 0x80000000 ? ~k >>> 0 : (k | 0x80000000) >>> 0;
  }
  let tmp: Uint32Array = new Uint32Array(n);
  const count = new Uint32Array(256);
  for (let shift = 0; shift < 32; shift += 8) {
    count.fill(0);
    for (let i = 0; i < n; i++) count[((keys[i] as number) >>> shift) & 0xff]!++;
    let sum = 0;
    for (let b = 0; b < 256; b++) {
      const c = count[b] as number;
      count[b] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const k = keys[i] as number;
      tmp[count[(k >>> shift) & 0xff]!++] = k;
    }
    [keys, tmp] = [tmp, keys]; // after 4 passes the result is back in the original buffer
  }
  for (let i = 0; i < n; i++) {
    const k = keys[i] as number;
    keys[i] = k & 0x80000000 ? (k & 0x7fffffff) >>> 0 : ~k >>> 0;
  }
  return values;
}

/** Column `unit` of a row-major [n, width] matrix, sorted ascending. */
export function sortedColumn(values: Float32Array, n: number, width: number, unit: number): Float32Array {
  const col = new Float32Array(n);
  for (let i = 0; i < n; i++) col[i] = values[i * width + unit] as number;
  return sortFloat32(col);
}

/**
 * 1-D Wasserstein-1 distance between two empirical distributions given as ascending arrays:
 * ∫ |F⁻¹(u) − G⁻¹(u)| du over the merged quantile grid (exact for any two sample sizes).
 */
export function wasserstein1Sorted(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return NaN;
  let i = 0;
  let j = 0;
  let u = 0;
  let total = 0;
  while (i < n && j < m) {
    const nextA = (i + 1) / n;
    const nextB = (j + 1) / m;
    const next = Math.min(nextA, nextB);
    total += (next - u) * Math.abs((a[i] as number) - (b[j] as number));
    u = next;
    if (nextA <= next) i++;
    if (nextB <= next) j++;
  }
  return total;
}

/** Mean and median of a list of numbers (NaN for an empty list). */
export function meanMedian(xs: number[]): { mean: number; median: number } {
  if (xs.length === 0) return { mean: NaN, median: NaN };
  const sorted = Float64Array.from(xs).sort();
  return { mean: xs.reduce((a, b) => a + b, 0) / xs.length, median: quantileSorted(sorted, 0.5) };
}

/** Drift of one unit's percentile path over probe steps (SCIENCE.md 1.4). */
export interface UnitDrift {
  /** max_t q50 − min_t q50. */
  medianRange: number;
  /** Σ_t |q50(t) − q50(t−1)|. */
  medianTV: number;
  /** medianRange / mean_t (q85 − q15): comparable across BN and no BN despite different scales. */
  normRange: number;
  /** medianTV / mean_t (q85 − q15). */
  normTV: number;
  /** max_t spread / min_t spread. */
  spreadRatio: number;
}

/** Drift statistics of one unit from its q15/q50/q85 at successive probes (after any burn-in). */
export function unitDrift(path: { q15: number; q50: number; q85: number }[]): UnitDrift {
  if (path.length === 0) return { medianRange: NaN, medianTV: NaN, normRange: NaN, normTV: NaN, spreadRatio: NaN };
  let lo = Infinity;
  let hi = -Infinity;
  let tv = 0;
  let spreadSum = 0;
  let spreadMin = Infinity;
  let spreadMax = -Infinity;
  path.forEach((p, t) => {
    lo = Math.min(lo, p.q50);
    hi = Math.max(hi, p.q50);
    if (t > 0) tv += Math.abs(p.q50 - path[t - 1]!.q50);
    const spread = p.q85 - p.q15;
    spreadSum += spread;
    spreadMin = Math.min(spreadMin, spread);
    spreadMax = Math.max(spreadMax, spread);
  });
  const meanSpread = spreadSum / path.length;
  return {
    medianRange: hi - lo,
    medianTV: tv,
    normRange: (hi - lo) / meanSpread,
    normTV: tv / meanSpread,
    spreadRatio: spreadMax / spreadMin,
  };
}
