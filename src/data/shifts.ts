import type { ShiftConfig } from '../config/schema.js';
import { leadingRows, readColumn, readRow, type Split } from './split.js';
import { lognormalMoments, type InputConfig } from './inputs.js';
import type { Rng } from '../stats/rng.js';
import { sourceExpectation } from './source-expectation.js';

/**
 * The element-wise shift maps T of the inputs, defined per feature j against the source's mean m_j and
 * std s_j (the population values for synthetic data, the training set's for real data), so the shifted
 * distribution is T(source) whether T is applied to fresh source draws (relabel: true covariate shift,
 * the teacher labels T(x)) or to the test inputs (nuisance shift, labels carried over).
 *   mean:     T(x) = x + amount*s
 *   scale:    T(x) = m + (1 + amount)(x - m)       (amount < -1 also inverts)
 *   affine:   T(x) = scale*x + offset               (raw units)
 *   gains:    T(x) = m + g_j (x - m) + o_j s,  g_j = exp(gainStd N), o_j = offsetStd N (drawn per shift)
 *   signflip: T(x) = 2m - x on a random `fraction` of the features, x elsewhere
 *   shape:    T(x) = m + s (phi(z) - c) / d,  z = (x - m)/s, c = E[phi(Z)], d = std(phi(Z))
 * with phi strictly increasing (ranks and the copula kept; Pearson correlations change a little):
 *   skewed  phi(z) = z + a z+^2 (z+ = max(z, 0)); heavy phi(z) = z + a z^3; bounded phi(z) = (1-a) z + a tanh(z).
 * c and d are population constants for synthetic data (so every feature keeps mean m and std s exactly
 * in the population while skewness and kurtosis change) and training-sample constants for real data.
 * Features with s_j = 0 (e.g. MNIST's blank corner pixels) are left unchanged by mean/scale/shape/gains.
 */

/** E[Z+^k] for k = 2, 3, 4 of lognormal's standardized variate, by Simpson's rule over its normal base. */
function lognormalPositivePartMoments(sigma: number): [number, number, number] {
  const ln = lognormalMoments(sigma);
  // Z = (exp(sigma g) - mean)/std is positive for g > sigma/2; the k=4 integrand peaks near g = 4 sigma.
  const lo = sigma / 2;
  const hi = 4 * sigma + 12;
  const steps = 20000; // even
  const h = (hi - lo) / steps;
  const sums = [0, 0, 0];
  for (let i = 0; i <= steps; i++) {
    const g = lo + i * h;
    const z = (Math.exp(sigma * g) - ln.mean) / ln.std;
    const weight = (i === 0 || i === steps ? 1 : i % 2 === 1 ? 4 : 2) * Math.exp(-0.5 * g * g);
    const z2 = z * z;
    sums[0] = (sums[0] as number) + weight * z2;
    sums[1] = (sums[1] as number) + weight * z2 * z;
    sums[2] = (sums[2] as number) + weight * z2 * z2;
  }
  const c = h / 3 / Math.sqrt(2 * Math.PI);
  return [(sums[0] as number) * c, (sums[1] as number) * c, (sums[2] as number) * c];
}

/** Population E[Z+^k], k = 2, 3, 4, of the standardized source variate Z = (x - mean)/scale. */
export function positivePartMoments(input: InputConfig): [number, number, number] {
  switch (input.distribution) {
    case 'gaussian': // half of the absolute moments 1, 2*sqrt(2/pi), 3
      return [0.5, Math.sqrt(2 / Math.PI), 1.5];
    case 'uniform': // Z ~ U(-sqrt3, sqrt3): E[Z+^k] = sqrt3^k / (2(k+1))
      return [0.5, (3 * Math.sqrt(3)) / 8, 0.9];
    case 'laplace': // Laplace(0, b = 1/sqrt2): E[Z+^k] = k! b^k / 2
      return [0.5, 3 / (2 * Math.SQRT2), 3];
    case 'lognormal':
      return lognormalPositivePartMoments(input.sigma);
    default: {
      const unknown: never = input.distribution;
      throw new Error(`Unsupported input distribution: ${String(unknown)}`);
    }
  }
}

/** Centre and population std of z + a*z+^2 under the source: the constants of the shape map. */
export function shapeMapConstants(input: InputConfig, amount: number): { centre: number; std: number } {
  const [m2, m3, m4] = positivePartMoments(input);
  // Var(Z + a Z+^2) = Var Z + 2a Cov(Z, Z+^2) + a^2 Var(Z+^2), with E[Z * Z+^2] = E[Z+^3].
  return { centre: amount * m2, std: Math.sqrt(1 + 2 * amount * m3 + amount * amount * (m4 - m2 * m2)) };
}

/** The shift kinds that are element-wise maps of the inputs (the others draw new inputs). */
export type MapShift = Extract<ShiftConfig, { kind: 'mean' | 'scale' | 'shape' | 'affine' | 'gains' | 'signflip' }>;

/** Nuisance (labels carried over) or true covariate shift (the teacher, or nature, labels the new inputs). */
export type ShiftFamily = 'nuisance' | 'covariate';

/** What a shift is anchored to: each feature's source mean and std, and how to get shape constants. */
export interface ShiftBasis {
  features: number;
  mean: Float64Array;
  std: Float64Array;
  /** Synthetic data: the population input distribution (exact shape constants). */
  input?: InputConfig;
  /** Real data: the training inputs [n, features] (sample shape constants). */
  sample?: Split;
}

/** The basis of synthetic data: every feature has the population mean `input.mean` and std `input.scale`. */
export function populationBasis(input: InputConfig, features: number): ShiftBasis {
  return { features, mean: new Float64Array(features).fill(input.mean), std: new Float64Array(features).fill(input.scale), input };
}

/** The basis of real data: the per-feature mean and (population) std of the training inputs. */
export function sampleBasis(train: Split): ShiftBasis {
  const { n, features: f } = train;
  const mean = new Float64Array(f);
  const std = new Float64Array(f);
  const row = new Float32Array(f);
  for (let r = 0; r < n; r++) {
    readRow(train, r, row);
    for (let j = 0; j < f; j++) mean[j] = (mean[j] as number) + (row[j] as number);
  }
  for (let j = 0; j < f; j++) mean[j] = (mean[j] as number) / n;
  for (let r = 0; r < n; r++) {
    readRow(train, r, row);
    for (let j = 0; j < f; j++) {
      const d = (row[j] as number) - (mean[j] as number);
      std[j] = (std[j] as number) + d * d;
    }
  }
  for (let j = 0; j < f; j++) std[j] = Math.sqrt((std[j] as number) / n);
  return { features: f, mean, std, sample: train };
}

type ShapeForm = Extract<ShiftConfig, { kind: 'shape' }>['form'];

/** The increasing map phi of a shape form with weight a. */
export function shapeFunction(form: ShapeForm, a: number): (z: number) => number {
  switch (form) {
    case 'skewed':
      return (z) => z + a * (z > 0 ? z * z : 0);
    case 'heavy':
      return (z) => z + a * z * z * z;
    case 'bounded':
      return (z) => (1 - a) * z + a * Math.tanh(z);
    default: {
      const unknown: never = form;
      throw new Error(`Unsupported shape form: ${String(unknown)}`);
    }
  }
}

/** Per-feature centre c_j and std d_j of phi(Z_j) under the source (population or training sample). */
export function shapeConstants(form: ShapeForm, a: number, basis: ShiftBasis): { centre: Float64Array; std: Float64Array } {
  const f = basis.features;
  const centre = new Float64Array(f);
  const std = new Float64Array(f).fill(1);
  const phi = shapeFunction(form, a);
  if (basis.input !== undefined) {
    const input = basis.input;
    const c =
      form === 'skewed'
        ? shapeMapConstants(input, a)
        : (() => {
            const m1 = sourceExpectation(input, phi);
            const m2 = sourceExpectation(input, (z) => phi(z) ** 2);
            return { centre: m1, std: Math.sqrt(m2 - m1 * m1) };
          })();
    return { centre: centre.fill(c.centre), std: std.fill(c.std) };
  }
  const sample = basis.sample;
  if (sample === undefined) throw new Error('shape shift: the basis has neither a population nor a sample');
  const column = new Float64Array(sample.n);
  for (let j = 0; j < f; j++) {
    const m = basis.mean[j] as number;
    const s = basis.std[j] as number;
    if (!(s > 0)) continue;
    readColumn(sample, j, column);
    let s1 = 0;
    let s2 = 0;
    for (let r = 0; r < sample.n; r++) {
      const v = phi(((column[r] as number) - m) / s);
      s1 += v;
      s2 += v * v;
    }
    const c = s1 / sample.n;
    centre[j] = c;
    std[j] = Math.sqrt(Math.max(0, s2 / sample.n - c * c));
  }
  return { centre, std };
}

/** Per-feature coefficients of the affine-type kinds (all but shape): x' = a_j (x - p_j) + q_j. */
interface Affine {
  a: Float64Array;
  p: Float64Array;
  q: Float64Array;
}

function affineCoefficients(shift: Exclude<MapShift, { kind: 'shape' }>, basis: ShiftBasis, rng: Rng): Affine {
  const f = basis.features;
  const a = new Float64Array(f).fill(1);
  const p = new Float64Array(f); // pivot: the mean for maps that scale about it
  const q = new Float64Array(f);
  for (let j = 0; j < f; j++) {
    const m = basis.mean[j] as number;
    const s = basis.std[j] as number;
    switch (shift.kind) {
      case 'mean':
        q[j] = shift.amount * s;
        break;
      case 'scale':
        a[j] = 1 + shift.amount;
        p[j] = m;
        q[j] = m;
        break;
      case 'affine':
        a[j] = shift.scale;
        q[j] = shift.offset;
        break;
      case 'gains': {
        // Both draws every time, so the same stream gives the same g_j, o_j whatever the stds.
        const g = Math.exp(shift.gainStd * rng.normal());
        const o = shift.offsetStd * rng.normal();
        if (s > 0) {
          a[j] = g;
          p[j] = m;
          q[j] = m + o * s;
        }
        break;
      }
      case 'signflip':
        break;
      default: {
        const unknown: never = shift;
        throw new Error(`Unsupported shift kind: ${String((unknown as { kind: string }).kind)}`);
      }
    }
  }
  if (shift.kind === 'signflip') {
    // A prefix of one permutation: a larger fraction flips a superset (drift grows the set).
    const order = rng.permutation(f);
    const count = Math.max(1, Math.round(shift.fraction * f));
    for (let k = 0; k < count; k++) {
      const j = order[k] as number;
      a[j] = -1;
      p[j] = basis.mean[j] as number;
      q[j] = basis.mean[j] as number;
    }
  }
  return { a, p, q };
}

/**
 * Apply an element-wise shift to an [n, features] row-major matrix; returns a new array. `rng` draws
 * the shift's own random parameters (gains, flipped features): pass a fresh stream named for the shift.
 */
export function shiftInputs(x: Float32Array, shift: MapShift, basis: ShiftBasis, rng: Rng): Float32Array {
  const f = basis.features;
  const out = new Float32Array(x.length);
  if (shift.kind === 'shape') {
    if (!(shift.amount >= 0 && shift.amount <= 1)) throw new RangeError(`shape shift amount must be in [0, 1], got ${shift.amount}`);
    const phi = shapeFunction(shift.form, shift.amount);
    const { centre, std } = shapeConstants(shift.form, shift.amount, basis);
    for (let i = 0; i < x.length; i++) {
      const j = i % f;
      const m = basis.mean[j] as number;
      const s = basis.std[j] as number;
      const v = x[i] as number;
      out[i] = s > 0 ? m + (s * (phi((v - m) / s) - (centre[j] as number))) / (std[j] as number) : v;
    }
    return out;
  }
  const { a, p, q } = affineCoefficients(shift, basis, rng);
  for (let i = 0; i < x.length; i++) {
    const j = i % f;
    out[i] = (a[j] as number) * ((x[i] as number) - (p[j] as number)) + (q[j] as number);
  }
  return out;
}

/** Nuisance shift of a split: T applied to its inputs, labels copied unchanged. */
export function shiftSplit(split: Split, shift: MapShift, basis: ShiftBasis, rng: Rng): Split {
  return { x: shiftInputs(leadingRows(split), shift, basis, rng), y: split.y.slice(), n: split.n, features: split.features };
}

/** The shift at a fraction t in [0, 1] of the way from the identity (drift during training). */
export function scaleShift(shift: MapShift, t: number): MapShift {
  switch (shift.kind) {
    case 'mean':
    case 'scale':
    case 'shape':
      return { ...shift, amount: shift.amount * t };
    case 'affine':
      return { ...shift, scale: 1 + (shift.scale - 1) * t, offset: shift.offset * t };
    case 'gains':
      return { ...shift, gainStd: shift.gainStd * t, offsetStd: shift.offsetStd * t };
    case 'signflip':
      return { ...shift, fraction: shift.fraction * t };
    default: {
      const unknown: never = shift;
      throw new Error(`Unsupported shift kind: ${String((unknown as { kind: string }).kind)}`);
    }
  }
}

/** Whether the new inputs are labelled by the teacher (covariate) or keep their source labels (nuisance). */
export function shiftFamily(shift: ShiftConfig): ShiftFamily {
  if (shift.kind === 'correlation' || shift.kind === 'subpopulation') return 'covariate';
  return shift.relabel ? 'covariate' : 'nuisance';
}

function shiftParams(shift: ShiftConfig): string {
  switch (shift.kind) {
    case 'mean':
    case 'scale':
    case 'correlation':
      return `amount ${shift.amount}`;
    case 'shape':
      return `${shift.form}, amount ${shift.amount}`;
    case 'affine':
      return `${shift.scale}*x + ${shift.offset}`;
    case 'gains':
      return `gainStd ${shift.gainStd}, offsetStd ${shift.offsetStd}`;
    case 'signflip':
      return `fraction ${shift.fraction}`;
    case 'subpopulation':
      return `train on ${shift.feature === 'mean' ? 'the feature mean' : `feature ${shift.feature}`} <= its ${shift.fraction} quantile, evaluate above`;
    default: {
      const unknown: never = shift;
      throw new Error(`Unsupported shift kind: ${String((unknown as { kind: string }).kind)}`);
    }
  }
}

/** One-line description naming the family, e.g. "covariate shift (relabelled by the teacher): mean, amount 0.5". */
export function describeShift(shift: ShiftConfig): string {
  const family =
    shiftFamily(shift) === 'covariate' ? 'covariate shift (relabelled by the teacher)' : 'nuisance shift (labels carried over)';
  return `${family}: ${shift.kind}, ${shiftParams(shift)}`;
}
