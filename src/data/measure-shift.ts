import { readColumn, readRows, type Split } from './split.js';
import { mmdRbf, standardizedSorted, subsampleRows, wassersteinKs } from '../stats/distances.js';
import type { Rng } from '../stats/rng.js';

/**
 * The shift between two samples of the same features, measured on the data: per-feature mean and std
 * change (in units of the source std), a shape distance after standardization (W1 and KS, averaged over
 * features: ~0 for a pure mean/variance change), and an RBF-kernel MMD^2 on a subsample.
 */

/** One feature's change from source to target. */
export interface FeatureShift {
  feature: number;
  sourceMean: number;
  targetMean: number;
  sourceStd: number;
  targetStd: number;
  /** (target mean - source mean) / source std; NaN when the source std is 0. */
  meanChange: number;
  /** target std / source std; NaN when the source std is 0. */
  stdRatio: number;
  /** W1 between the standardized samples; NaN when either std is 0. */
  w1: number;
  /** KS statistic between the standardized samples; NaN when either std is 0. */
  ks: number;
}

/** The summary of a shift over features (features whose source std is 0 are left out of every average). */
export interface ShiftMeasure {
  nSource: number;
  nTarget: number;
  /** Features with a nonzero source std. */
  featuresUsed: number;
  /** Mean and max over features of |meanChange|. */
  meanChangeAvg: number;
  meanChangeMax: number;
  /** Mean, min and max over features of stdRatio. */
  stdRatioAvg: number;
  stdRatioMin: number;
  stdRatioMax: number;
  /** Mean over features (nonzero std in both samples) of the standardized W1 and KS. */
  shapeW1: number;
  shapeKs: number;
  /** Unbiased MMD^2 (RBF, median-heuristic bandwidth) on at most `mmdSample` rows of each sample. */
  mmd2: number;
  mmdBandwidth: number;
  perFeature: FeatureShift[];
}

/** Rows per sample for the MMD (O(k^2 features) time). */
export const MMD_SAMPLE = 500;

function meanStd(a: Float64Array): [number, number] {
  let s = 0;
  for (const v of a) s += v;
  const mean = s / a.length;
  let q = 0;
  for (const v of a) q += (v - mean) ** 2;
  return [mean, Math.sqrt(q / a.length)];
}

/** 0, 1, ..., n - 1. */
const firstRows = (n: number): Int32Array => Int32Array.from({ length: n }, (_, i) => i);

const avg = (a: number[]): number => (a.length === 0 ? NaN : a.reduce((s, v) => s + v, 0) / a.length);

/** Measure the shift from `source` to `target`; `rng` draws the MMD subsamples. */
export function measureShift(source: Split, target: Split, rng: Rng, mmdSample = MMD_SAMPLE): ShiftMeasure {
  if (source.features !== target.features) throw new RangeError(`measureShift: ${source.features} vs ${target.features} features`);
  const perFeature: FeatureShift[] = [];
  // One set of buffers for every feature (a column of a 400k-row training set is 3 MB: fresh arrays per
  // feature made the worker's heap grow by tens of MB for a moment).
  const [a, sortedA] = [new Float64Array(source.n), new Float64Array(source.n)];
  const [b, sortedB] = [new Float64Array(target.n), new Float64Array(target.n)];
  for (let j = 0; j < source.features; j++) {
    readColumn(source, j, a);
    readColumn(target, j, b);
    const [sourceMean, sourceStd] = meanStd(a);
    const [targetMean, targetStd] = meanStd(b);
    const sa = standardizedSorted(a, sortedA);
    const sb = standardizedSorted(b, sortedB);
    const shape = sa !== undefined && sb !== undefined ? wassersteinKs(sa, sb) : { w1: NaN, ks: NaN };
    const used = sourceStd > 0;
    perFeature.push({
      feature: j,
      sourceMean,
      targetMean,
      sourceStd,
      targetStd,
      meanChange: used ? (targetMean - sourceMean) / sourceStd : NaN,
      stdRatio: used ? targetStd / sourceStd : NaN,
      ...shape,
    });
  }
  const used = perFeature.filter((p) => p.sourceStd > 0);
  const shaped = perFeature.filter((p) => !Number.isNaN(p.w1));
  const ratios = used.map((p) => p.stdRatio);
  const ra = subsampleRows(source.n, mmdSample, rng);
  const rb = subsampleRows(target.n, mmdSample, rng);
  // Only the subsampled rows are read (a view split holds no matrix to index into).
  const mmd = mmdRbf(readRows(source, ra), firstRows(ra.length), readRows(target, rb), firstRows(rb.length), source.features);
  return {
    nSource: source.n,
    nTarget: target.n,
    featuresUsed: used.length,
    meanChangeAvg: avg(used.map((p) => Math.abs(p.meanChange))),
    meanChangeMax: used.length === 0 ? NaN : Math.max(...used.map((p) => Math.abs(p.meanChange))),
    stdRatioAvg: avg(ratios),
    stdRatioMin: ratios.length === 0 ? NaN : Math.min(...ratios),
    stdRatioMax: ratios.length === 0 ? NaN : Math.max(...ratios),
    shapeW1: avg(shaped.map((p) => p.w1)),
    shapeKs: avg(shaped.map((p) => p.ks)),
    mmd2: mmd.mmd2,
    mmdBandwidth: mmd.bandwidth,
    perFeature,
  };
}
