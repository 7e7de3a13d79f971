import { lognormalMoments, type InputConfig } from './inputs.js';

/**
 * Population expectations E[f(Z)] of the standardized synthetic source variate Z = (x - mean)/scale,
 * by composite Simpson quadrature over each distribution's density (or its normal base, for lognormal).
 * Used for the constants of the moment-matched shape maps, so they hold in the population, not just
 * in a sample. Accurate to ~1e-9 for the smooth, polynomially growing f used here.
 */

const STEPS = 20_000; // even

function simpson(lo: number, hi: number, g: (u: number) => number): number {
  const h = (hi - lo) / STEPS;
  let sum = 0;
  for (let i = 0; i <= STEPS; i++) sum += (i === 0 || i === STEPS ? 1 : i % 2 === 1 ? 4 : 2) * g(lo + i * h);
  return (sum * h) / 3;
}

const normalPdf = (u: number): number => Math.exp(-0.5 * u * u) / Math.sqrt(2 * Math.PI);

/** E[f(Z)] under the standardized source distribution of `input`. */
export function sourceExpectation(input: InputConfig, f: (z: number) => number): number {
  switch (input.distribution) {
    case 'gaussian':
      return simpson(-14, 14, (u) => f(u) * normalPdf(u));
    case 'uniform': {
      const h = Math.sqrt(3);
      return simpson(-h, h, (u) => f(u) / (2 * h));
    }
    case 'laplace': {
      // Laplace(0, b = 1/sqrt2); split at the kink of the density.
      const b = Math.SQRT1_2;
      const pdf = (u: number): number => Math.exp(-Math.abs(u) / b) / (2 * b);
      const edge = 60 * b;
      return simpson(-edge, 0, (u) => f(u) * pdf(u)) + simpson(0, edge, (u) => f(u) * pdf(u));
    }
    case 'lognormal': {
      const { sigma } = input;
      const ln = lognormalMoments(sigma);
      const z = (u: number): number => (Math.exp(sigma * u) - ln.mean) / ln.std;
      // f grows at most like z^6 here: the integrand peaks near u = 6 sigma.
      return simpson(-14, 14 + 8 * sigma, (u) => f(z(u)) * normalPdf(u));
    }
    default: {
      const unknown: never = input.distribution;
      throw new Error(`Unsupported input distribution: ${String(unknown)}`);
    }
  }
}
