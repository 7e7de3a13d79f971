import { kthSmallest } from './distances.js';
import { stridedMoments } from './moments.js';

/*
 * Per-unit distribution statistics of a layer's pre-activations (pure; plain arrays in, numbers out).
 * Definitions: docs/science.md#percentile-trajectories-and-drift (Ioffe & Szegedy Fig. 1), #covariate-shift (shape).
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

/** Per-unit statistics of one layer, one array per statistic (entry u = unit u). */
export type ColumnStats = { [K in keyof UnitStats]: Float64Array };

/** Quantile p (R type 7) of the ascending column of n values starting at `start`. */
function quantileAt(sorted: ArrayLike<number>, start: number, n: number, p: number): number {
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return (sorted[start + lo] as number) + (h - lo) * ((sorted[start + hi] as number) - (sorted[start + lo] as number));
}

/**
 * Mean, population std, 15/50/85th percentiles, skewness and excess kurtosis of each ascending column
 * of a column-major buffer [units, n] (moments in float64, two passes per column).
 */
export function columnStats(sorted: ArrayLike<number>, n: number, units: number): ColumnStats {
  const out: ColumnStats = {
    mean: new Float64Array(units),
    std: new Float64Array(units),
    q15: new Float64Array(units),
    q50: new Float64Array(units),
    q85: new Float64Array(units),
    skew: new Float64Array(units),
    kurt: new Float64Array(units),
  };
  if (n === 0) {
    for (const a of Object.values(out)) a.fill(NaN);
    return out;
  }
  for (let u = 0, start = 0; u < units; u++, start += n) {
    const m = stridedMoments(sorted, start, 1, n);
    out.mean[u] = m.mean;
    out.std[u] = m.std;
    out.skew[u] = m.skewness;
    out.kurt[u] = m.excessKurtosis;
    out.q15[u] = quantileAt(sorted, start, n, 0.15);
    out.q50[u] = quantileAt(sorted, start, n, 0.5);
    out.q85[u] = quantileAt(sorted, start, n, 0.85);
  }
  return out;
}

/** Mean, std, 15/50/85th percentiles, skewness and excess kurtosis of one ascending column. */
export function unitStats(sorted: Float32Array): UnitStats {
  const c = columnStats(sorted, sorted.length, 1);
  return { mean: c.mean[0]!, std: c.std[0]!, q15: c.q15[0]!, q50: c.q50[0]!, q85: c.q85[0]!, skew: c.skew[0]!, kurt: c.kurt[0]! };
}

/** Columns shorter than this are sorted natively; the radix sort's 4 x 256 buckets pay off from about here. */
const RADIX_MIN = 256;

/**
 * float32 bits -> uint32 keys whose unsigned order is the numeric order: negative floats have all bits
 * flipped, positive ones their sign bit set; every NaN becomes the largest key (NaNs sort last).
 */
function floatKey(bits: number): number {
  if ((bits & 0x7fffffff) > 0x7f800000) return 0xffffffff;
  return bits & 0x80000000 ? ~bits >>> 0 : (bits | 0x80000000) >>> 0;
}

/** The inverse of floatKey (a NaN comes back as the quiet NaN 0x7fffffff). */
function keyFloat(k: number): number {
  return k & 0x80000000 ? (k & 0x7fffffff) >>> 0 : ~k >>> 0;
}

/** The radix sort's four digit histograms and its ping-pong buffer, reused from call to call. */
const histograms = new Uint32Array(4 * 256);
let scratch = new Uint32Array(0);

/**
 * LSD radix sort of uint32 keys in place (8-bit digits). One pass counts all four digits; a digit that
 * every key shares (often an exponent byte) is skipped.
 */
function radixSort(out: Uint32Array): void {
  const n = out.length;
  if (scratch.length < n) scratch = new Uint32Array(n);
  let keys: Uint32Array = out;
  let tmp: Uint32Array = scratch.subarray(0, n);
  histograms.fill(0);
  for (let i = 0; i < n; i++) {
    const k = keys[i] as number;
    histograms[k & 0xff]!++;
    histograms[256 + ((k >>> 8) & 0xff)]!++;
    histograms[512 + ((k >>> 16) & 0xff)]!++;
    histograms[768 + (k >>> 24)]!++;
  }
  for (let digit = 0; digit < 4; digit++) {
    const base = digit * 256;
    const shift = digit * 8;
    if (histograms[base + (((keys[0] as number) >>> shift) & 0xff)] === n) continue; // one bucket: no-op pass
    let sum = 0;
    for (let b = base; b < base + 256; b++) {
      const c = histograms[b] as number;
      histograms[b] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const k = keys[i] as number;
      tmp[histograms[base + ((k >>> shift) & 0xff)]!++] = k;
    }
    [keys, tmp] = [tmp, keys];
  }
  if (keys !== out) out.set(keys);
}

/**
 * Sorts `count` columns of n float32 values, stored one after another, ascending in place (NaNs last,
 * -0 before +0). The values are mapped to uint32 keys in one pass over the whole buffer; short columns
 * go to the native sort of int32 keys (about 25% faster here than sorting the floats natively, and
 * the native sort wins over the radix sort below a few hundred values), longer ones to the O(n) radix
 * sort. One typed-array view per column: views cost more than sorting a short column.
 */
function sortRuns(values: Float32Array, n: number, count: number): void {
  const total = n * count;
  const bits = new Uint32Array(values.buffer, values.byteOffset, total);
  if (n < RADIX_MIN) {
    // The same buffer as int32: the signed order of (key ^ 0x80000000) is the unsigned order of key.
    const signed = new Int32Array(values.buffer, values.byteOffset, total);
    for (let i = 0; i < total; i++) signed[i] = floatKey(bits[i] as number) ^ 0x80000000;
    for (let start = 0; start < total; start += n) signed.subarray(start, start + n).sort();
    for (let i = 0; i < total; i++) bits[i] = keyFloat(((signed[i] as number) ^ 0x80000000) >>> 0);
    return;
  }
  for (let i = 0; i < total; i++) bits[i] = floatKey(bits[i] as number);
  for (let start = 0; start < total; start += n) radixSort(bits.subarray(start, start + n));
  for (let i = 0; i < total; i++) bits[i] = keyFloat(bits[i] as number);
}

/** Sorts float32 values ascending in place (NaNs last, -0 before +0). */
export function sortFloat32(values: Float32Array): Float32Array {
  sortRuns(values, values.length, 1);
  return values;
}

/**
 * Sorts each of the first `units` columns of a column-major buffer [units, n] in place (column u is
 * `subarray(u * n, (u + 1) * n)`; the probes pull pre-activations transposed so that columns are
 * contiguous) and returns the buffer.
 */
export function sortColumns(columns: Float32Array, n: number, units: number): Float32Array {
  if (n > 0) sortRuns(columns, n, units);
  return columns;
}

/**
 * Per column, the Wasserstein-1 distance between two column-major buffers [units, n] of sorted columns
 * over the same number of rows: for equal sample sizes W1 = mean_i |a_(i) − b_(i)|.
 */
export function columnW1(a: ArrayLike<number>, b: ArrayLike<number>, n: number, units: number): Float64Array {
  const out = new Float64Array(units);
  for (let u = 0, start = 0; u < units; u++, start += n) {
    let s = 0;
    for (let i = start; i < start + n; i++) s += Math.abs((a[i] as number) - (b[i] as number));
    out[u] = s / n;
  }
  return out;
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

let medianScratch = new Float64Array(0);

/** Mean and median of a list of numbers (NaN for an empty list; a NaN anywhere makes both NaN). */
export function meanMedian(xs: ArrayLike<number>): { mean: number; median: number } {
  const n = xs.length;
  if (n === 0) return { mean: NaN, median: NaN };
  if (medianScratch.length < n) medianScratch = new Float64Array(n);
  const a = medianScratch.subarray(0, n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const x = xs[i] as number;
    a[i] = x;
    sum += x;
  }
  if (Number.isNaN(sum)) return { mean: NaN, median: NaN };
  const hi = kthSmallest(a, n >> 1);
  // Even n: the lower middle is the largest value left of the upper one after the selection.
  let median = hi;
  if (n % 2 === 0) {
    let lo = -Infinity;
    for (let i = 0; i < n >> 1; i++) if ((a[i] as number) > lo) lo = a[i] as number;
    median = (lo + hi) / 2;
  }
  return { mean: sum / n, median };
}

/** Drift of one unit's percentile path over probe steps (docs/science.md#percentile-trajectories-and-drift). */
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
