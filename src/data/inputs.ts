import type { SyntheticDataConfig } from '../config/schema.js';
import type { Rng } from '../stats/rng.js';

/**
 * Synthetic input features. Every distribution is standardized analytically (population values, not
 * sample values) so each feature has mean `input.mean` and std `input.scale`.
 */

/** The `data.input` section of the config. */
export type InputConfig = SyntheticDataConfig['input'];

/** Population mean and std of the standardized lognormal's underlying exp(N(0, sigma^2)). */
export function lognormalMoments(sigma: number): { mean: number; std: number } {
  const s2 = sigma * sigma;
  return { mean: Math.exp(s2 / 2), std: Math.sqrt(Math.expm1(s2) * Math.exp(s2)) };
}

/** N(mean, scale^2) features; with rho > 0 a shared factor gives cov = scale^2 ((1-rho) I + rho 11^T). */
function gaussianInputs(input: InputConfig, n: number, f: number, rng: Rng): Float32Array {
  const x = new Float32Array(n * f);
  const { mean, scale } = input;
  const shared = Math.sqrt(input.correlation);
  const own = Math.sqrt(1 - input.correlation);
  for (let r = 0; r < n; r++) {
    const g = input.correlation > 0 ? shared * rng.normal() : 0;
    for (let j = 0, k = r * f; j < f; j++, k++) x[k] = mean + scale * (g + own * rng.normal());
  }
  return x;
}

/** Uniform on mean +- scale*sqrt(3) (std = scale). */
function uniformInputs(input: InputConfig, n: number, f: number, rng: Rng): Float32Array {
  const half = input.scale * Math.sqrt(3);
  return rng.fillUniform(new Float32Array(n * f), input.mean - half, input.mean + half);
}

/** Laplace with std `scale` (Laplace(0, b) has variance 2b^2, so b = scale / sqrt(2)). */
function laplaceInputs(input: InputConfig, n: number, f: number, rng: Rng): Float32Array {
  const x = new Float32Array(n * f);
  const b = input.scale / Math.SQRT2;
  for (let k = 0; k < x.length; k++) x[k] = input.mean + b * rng.laplace();
  return x;
}

/** exp(N(0, sigma^2)) standardized to mean `mean`, std `scale` (skewed right, heavier tail as sigma grows). */
function lognormalInputs(input: InputConfig, n: number, f: number, rng: Rng): Float32Array {
  const x = new Float32Array(n * f);
  const ln = lognormalMoments(input.sigma);
  const gain = input.scale / ln.std;
  for (let k = 0; k < x.length; k++) x[k] = input.mean + gain * (Math.exp(input.sigma * rng.normal()) - ln.mean);
  return x;
}

/** Draw an [n, features] row-major matrix of inputs from the configured distribution. */
export function sampleInputs(input: InputConfig, n: number, features: number, rng: Rng): Float32Array {
  if (input.correlation > 0 && input.distribution !== 'gaussian') {
    throw new RangeError(`input.correlation is only supported for the gaussian distribution, not ${input.distribution}`);
  }
  switch (input.distribution) {
    case 'gaussian':
      return gaussianInputs(input, n, features, rng);
    case 'uniform':
      return uniformInputs(input, n, features, rng);
    case 'laplace':
      return laplaceInputs(input, n, features, rng);
    case 'lognormal':
      return lognormalInputs(input, n, features, rng);
    default: {
      const unknown: never = input.distribution;
      throw new Error(`Unsupported input distribution: ${String(unknown)}`);
    }
  }
}
