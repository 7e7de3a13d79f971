/*
 * The size of BN's noise (docs/science.md#bn-noise), computed from a BN layer's input pulled to JS
 * (pure; float64 accumulation). The probes hand it the input of the training network's view: every
 * upstream BN layer normalized each chunk with that chunk's own statistics.
 */

/** BN noise of one layer: the spread of chunk statistics around the whole set's, pooled over units. */
export interface BnNoise {
  /** Root mean square over units of the std over chunks of (μ_chunk − μ_set) / σ_set (theory: 1/√m). */
  mean: number;
  /** Root mean square over units of the std over chunks of σ²_chunk / σ²_set (≈ sqrt(2/m) for Gaussian inputs). */
  variance: number;
}

/**
 * Splits the first B·m rows of a BN layer's input z (row-major [rows, width]; B = floor(rows / m), a
 * remainder is left out everywhere) into B disjoint chunks of `m` rows and measures how much each
 * chunk's mean and biased variance (BN's own estimates) differ from those of the B·m rows together:
 * per unit, the sample std over chunks (Bessel's B − 1: the chunks partition the set, so their
 * deviations from its exact mean have B − 1 degrees of freedom and E[var] = σ²/m with no further
 * correction) of (μ_chunk − μ_set)/σ_set and of σ²_chunk/σ²_set, then the root mean square over the
 * units with a nonzero set variance (the root of the mean variance: unbiased before the root, where a
 * mean of stds would be low by c4(B), 8% at B = 4). Undefined with fewer than two chunks.
 */
export function bnNoise(z: ArrayLike<number>, rows: number, width: number, m: number): BnNoise | undefined {
  const batches = Math.floor(rows / m);
  if (batches < 2) return undefined;
  const used = batches * m;
  const popMean = columnMeans(z, 0, used, width);
  const popVar = columnVariances(z, 0, used, width, popMean);
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
  let units = 0;
  for (let u = 0; u < width; u++) {
    if (!((popVar[u] as number) > 0)) continue; // a constant unit (e.g. a dead ReLU before BN-after) has no noise to scale
    meanNoise += sampleVariance(zScores, u, width, batches);
    varNoise += sampleVariance(varRatios, u, width, batches);
    units++;
  }
  return { mean: Math.sqrt(meanNoise / units), variance: Math.sqrt(varNoise / units) };
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

/** Sample variance (n − 1) of column `u` of a row-major [n, width] array. */
function sampleVariance(xs: Float64Array, u: number, width: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += xs[i * width + u] as number;
  const mean = s / n;
  let v = 0;
  for (let i = 0; i < n; i++) v += ((xs[i * width + u] as number) - mean) ** 2;
  return v / (n - 1);
}
