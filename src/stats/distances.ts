import type { Rng } from './rng.js';

/**
 * Distances between two samples, used to measure a shift on the data itself.
 *   - 1-D Wasserstein-1 and Kolmogorov-Smirnov between empirical distributions, after standardizing
 *     each sample by its own mean and std: 0 (up to sampling noise) for a pure mean/variance change,
 *     positive when the shape changed.
 *   - MMD^2 with a Gaussian (RBF) kernel, bandwidth by the median heuristic: sensitive to any change
 *     of the joint distribution, including correlation changes that leave every marginal intact.
 */

/** Mean and population std of a 1-D sample. */
function meanStd(a: ArrayLike<number>): { mean: number; std: number } {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] as number;
  const mean = s / a.length;
  let v = 0;
  for (let i = 0; i < a.length; i++) v += ((a[i] as number) - mean) ** 2;
  return { mean, std: Math.sqrt(v / a.length) };
}

/**
 * The sample standardized by its own mean and std, sorted ascending (undefined when its std is 0).
 * `out` (of a.length values) receives them instead of a new array: a caller looping over features
 * reuses one buffer.
 */
export function standardizedSorted(a: ArrayLike<number>, out = new Float64Array(a.length)): Float64Array | undefined {
  if (out.length !== a.length) throw new RangeError(`standardizedSorted: out holds ${out.length} values, the sample ${a.length}`);
  const { mean, std } = meanStd(a);
  if (!(std > 0)) return undefined;
  for (let i = 0; i < a.length; i++) out[i] = ((a[i] as number) - mean) / std;
  return out.sort();
}

/**
 * W1 = integral |F - G| dx and KS = sup |F - G| between the empirical CDFs of two sorted samples
 * (any sizes), in one merge pass.
 */
export function wassersteinKs(a: Float64Array, b: Float64Array): { w1: number; ks: number } {
  const n = a.length;
  const m = b.length;
  let i = 0;
  let j = 0;
  let w1 = 0;
  let ks = 0;
  let prev = Math.min(a[0] as number, b[0] as number);
  while (i < n || j < m) {
    const next = j >= m || (i < n && (a[i] as number) <= (b[j] as number)) ? (a[i] as number) : (b[j] as number);
    w1 += Math.abs(i / n - j / m) * (next - prev);
    while (i < n && (a[i] as number) === next) i++;
    while (j < m && (b[j] as number) === next) j++;
    ks = Math.max(ks, Math.abs(i / n - j / m));
    prev = next;
  }
  return { w1, ks };
}

/** The k-th smallest (0-based) of `a` by quickselect; reorders `a`. */
export function kthSmallest(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const pivot = a[(lo + hi) >>> 1] as number;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((a[i] as number) < pivot) i++;
      while ((a[j] as number) > pivot) j--;
      if (i <= j) {
        const t = a[i] as number;
        a[i] = a[j] as number;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k] as number;
}

/** Row indices of a random subsample of size min(k, n), in ascending order. */
export function subsampleRows(n: number, k: number, rng: Rng): Int32Array {
  if (k >= n) return Int32Array.from({ length: n }, (_, i) => i);
  return rng.permutation(n).subarray(0, k).sort();
}

/**
 * Unbiased MMD^2 between the rows `ra` of `a` and the rows `rb` of `b` ([n, features] row-major), with
 * k(x, y) = exp(-|x - y|^2 / (2 h^2)) and h the median of the pairwise distances in the pooled rows
 * (Gretton et al. 2012, eq. 3; the median heuristic). Returns the estimate and h.
 */
export function mmdRbf(
  a: Float32Array,
  ra: ArrayLike<number>,
  b: Float32Array,
  rb: ArrayLike<number>,
  features: number,
): { mmd2: number; bandwidth: number } {
  const m = ra.length;
  const n = rb.length;
  const total = m + n;
  const z = new Float64Array(total * features); // pooled rows, a's first
  for (let k = 0; k < total; k++) {
    const r = k < m ? (ra[k] as number) : (rb[k - m] as number);
    z.set((k < m ? a : b).subarray(r * features, (r + 1) * features), k * features);
  }
  const d2 = new Float64Array((total * (total - 1)) / 2); // upper triangle, row-major
  let p = 0;
  for (let i = 0; i < total; i++) {
    const oi = i * features;
    for (let j = i + 1; j < total; j++) {
      const oj = j * features;
      let s = 0;
      for (let k = 0; k < features; k++) {
        const d = (z[oi + k] as number) - (z[oj + k] as number);
        s += d * d;
      }
      d2[p++] = s;
    }
  }
  const medianD2 = d2.length === 0 ? 0 : kthSmallest(Float64Array.from(d2), (d2.length - 1) >> 1);
  const bandwidth = Math.sqrt(medianD2);
  if (!(bandwidth > 0) || m < 2 || n < 2) return { mmd2: 0, bandwidth };
  const gamma = 1 / (2 * medianD2);
  let kxx = 0;
  let kyy = 0;
  let kxy = 0;
  p = 0;
  for (let i = 0; i < total; i++) {
    for (let j = i + 1; j < total; j++) {
      const k = Math.exp(-gamma * (d2[p++] as number));
      if (j < m) kxx += k;
      else if (i >= m) kyy += k;
      else kxy += k;
    }
  }
  // Pairs i < j were summed once: the off-diagonal sums over i != j are twice that.
  return { mmd2: (2 * kxx) / (m * (m - 1)) + (2 * kyy) / (n * (n - 1)) - (2 * kxy) / (m * n), bandwidth };
}
