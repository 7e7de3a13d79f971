/*
 * The size of BN's noise on a fixed probe set (SCIENCE.md 3.3), computed from a BN layer's input pulled
 * to JS (pure; float64 accumulation).
 */

/** BN noise of one layer: the spread of batch statistics around the population's, averaged over units. */
export interface BnNoise {
  /** Mean over units of the std over batches of (μ_B − μ_pop) / σ_pop (theory: 1/√m). */
  mean: number;
  /** Mean over units of the std over batches of σ²_B / σ²_pop (theory: ≈ sqrt(2/m) for Gaussian inputs). */
  variance: number;
}

/**
 * Splits the `rows` rows of a BN layer's input z (row-major [rows, width]) into disjoint batches of `m`
 * rows (a remainder is left out) and measures how much each batch's mean and biased variance (BN's own
 * estimates) differ from the whole set's: per unit, the sample std (Bessel-corrected: the batches are
 * few) over batches of (μ_B − μ_pop)/σ_pop and of σ²_B/σ²_pop, then the mean over units. Undefined
 * with fewer than two batches.
 */
export function bnNoise(z: ArrayLike<number>, rows: number, width: number, m: number): BnNoise | undefined {
  const batches = Math.floor(rows / m);
  if (batches < 2) return undefined;
  const popMean = columnMeans(z, 0, rows, width);
  const popVar = columnVariances(z, 0, rows, width, popMean);
  let meanNoise = 0;
  let varNoise = 0;
  const zScores = new Float64Array(batches * width);
  const varRatios = new Float64Array(batches * width);
  for (let b = 0; b < batches; b++) {
    const mean = columnMeans(z, b * m, m, width);
    const variance = columnVariances(z, b * m, m, width, mean);
    for (let u = 0; u < width; u++) {
      zScores[b * width + u] = ((mean[u] as number) - (popMean[u] as number)) / Math.sqrt(popVar[u] as number);
      varRatios[b * width + u] = (variance[u] as number) / (popVar[u] as number);
    }
  }
  for (let u = 0; u < width; u++) {
    meanNoise += sampleStd(zScores, u, width, batches);
    varNoise += sampleStd(varRatios, u, width, batches);
  }
  return { mean: meanNoise / width, variance: varNoise / width };
}

/** Per-column means of rows [start, start + count) of a row-major matrix. */
function columnMeans(z: ArrayLike<number>, start: number, count: number, width: number): Float64Array {
  const out = new Float64Array(width);
  for (let i = start; i < start + count; i++) for (let u = 0, k = i * width; u < width; u++, k++) out[u]! += z[k] as number;
  for (let u = 0; u < width; u++) out[u]! /= count;
  return out;
}

/** Per-column biased variances (divide by count) of rows [start, start + count), given their means. */
function columnVariances(z: ArrayLike<number>, start: number, count: number, width: number, mean: Float64Array): Float64Array {
  const out = new Float64Array(width);
  for (let i = start; i < start + count; i++)
    for (let u = 0, k = i * width; u < width; u++, k++) out[u]! += ((z[k] as number) - (mean[u] as number)) ** 2;
  for (let u = 0; u < width; u++) out[u]! /= count;
  return out;
}

/** Sample std (n − 1) of column `u` of a row-major [n, width] array. */
function sampleStd(xs: Float64Array, u: number, width: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += xs[i * width + u] as number;
  const mean = s / n;
  let v = 0;
  for (let i = 0; i < n; i++) v += ((xs[i * width + u] as number) - mean) ** 2;
  return Math.sqrt(v / (n - 1));
}
