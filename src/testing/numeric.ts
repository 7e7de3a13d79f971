// Helpers shared by the tests of tensor code (plain arrays in, numbers out).
import type { Rng } from '../stats/rng.js';

/** n draws from N(mean, std²) of a seeded stream. */
export function randn(rng: Rng, n: number, mean = 0, std = 1): Float32Array {
  return rng.fillNormal(new Float32Array(n), mean, std);
}

/** Largest absolute elementwise difference of two equally long arrays (throws when the lengths differ). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}
