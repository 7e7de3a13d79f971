import type { ShiftConfig } from '../config/schema.js';
import type { Split } from '../types.js';
import { lognormalMoments, type InputConfig } from './inputs.js';

/**
 * Covariate shifts as element-wise maps T of the inputs, defined against the source population
 * (mean m, std s from `input`), so the shifted distribution is T(source) whether T is applied to fresh
 * source draws (relabel: true covariate shift, the teacher labels T(x)) or to the test inputs
 * (nuisance shift, labels carried over).
 *   mean:  T(x) = x + amount*s
 *   scale: T(x) = m + (1 + amount)(x - m)       (amount < -1 also inverts)
 *   shape: T(x) = m + s * (z + a*z+^2 - a*E[Z+^2]) / d(a),  z = (x - m)/s, z+ = max(z, 0)
 * The shape map is the blend (1-a)z + a*v of z with the right-skewed, heavier-tailed variate
 * v = z + z+^2, centred and divided by its population std d(a), so every feature keeps mean m and
 * std s exactly (in the population) while skewness and kurtosis change. It is strictly increasing
 * (derivative (1 + 2a z+)/d > 0), so ranks and the copula are kept; Pearson correlations change a little.
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

function meanShift(x: Float32Array, amount: number, input: InputConfig): Float32Array {
  const out = new Float32Array(x.length);
  const delta = amount * input.scale;
  for (let i = 0; i < x.length; i++) out[i] = (x[i] as number) + delta;
  return out;
}

function scaleShift(x: Float32Array, amount: number, input: InputConfig): Float32Array {
  const out = new Float32Array(x.length);
  const { mean } = input;
  const gain = 1 + amount;
  for (let i = 0; i < x.length; i++) out[i] = mean + gain * ((x[i] as number) - mean);
  return out;
}

function shapeShift(x: Float32Array, amount: number, input: InputConfig): Float32Array {
  if (!(amount >= 0 && amount <= 1)) throw new RangeError(`shape shift amount must be in [0, 1], got ${amount}`);
  const out = new Float32Array(x.length);
  const { mean, scale } = input;
  const { centre, std } = shapeMapConstants(input, amount);
  for (let i = 0; i < x.length; i++) {
    const z = ((x[i] as number) - mean) / scale;
    const zp = z > 0 ? z : 0;
    out[i] = mean + (scale * (z + amount * zp * zp - centre)) / std;
  }
  return out;
}

/** Apply the shift's input map T element-wise; returns a new array. */
export function shiftInputs(x: Float32Array, shift: ShiftConfig, input: InputConfig): Float32Array {
  switch (shift.kind) {
    case 'mean':
      return meanShift(x, shift.amount, input);
    case 'scale':
      return scaleShift(x, shift.amount, input);
    case 'shape':
      return shapeShift(x, shift.amount, input);
    default: {
      const unknown: never = shift.kind;
      throw new Error(`Unsupported shift kind: ${String(unknown)}`);
    }
  }
}

/** Nuisance shift of a split: T applied to its inputs, labels copied unchanged. */
export function shiftSplit(split: Split, shift: ShiftConfig, input: InputConfig): Split {
  return { x: shiftInputs(split.x, shift, input), y: split.y.slice(), n: split.n, features: split.features };
}

/** One-line description naming the kind of shift, e.g. "covariate shift (relabelled): mean, amount 0.5". */
export function describeShift(shift: ShiftConfig): string {
  const kind = shift.relabel ? 'covariate shift (relabelled by the teacher)' : 'nuisance shift (labels carried over)';
  return `${kind}: ${shift.kind}, amount ${shift.amount}`;
}
