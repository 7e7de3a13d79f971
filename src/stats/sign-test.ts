// The paired sign test (exact binomial), used where differences are only known as a direction:
// interval-censored steps-to-target, where overlapping intervals are ties. Pure.

/** Fewest pairs for which bn-exp reports any test: below this no p-value is computed. */
export const MIN_TEST_PAIRS = 3;

/** Outcome of a sign test: pairs, how many went up / down / tied, and the two-sided exact p (NaN when untested). */
export interface SignTest {
  pairs: number;
  up: number;
  down: number;
  ties: number;
  p: number;
}

/** P(X <= k) for X ~ Binomial(m, 1/2), summed exactly. */
function binomialHalfCdf(k: number, m: number): number {
  let term = 0.5 ** m; // C(m, 0) / 2^m
  let sum = term;
  for (let i = 1; i <= k; i++) {
    term = (term * (m - i + 1)) / i;
    sum += term;
  }
  return sum;
}

/**
 * Two-sided exact sign test of signs (-1, 0, +1, one per pair): ties are dropped, p = min(1, 2 P(X <= min(up, down)))
 * with X ~ Binomial(untied, 1/2). No test (p NaN) with fewer than MIN_TEST_PAIRS pairs or no untied pair.
 */
export function signTest(signs: readonly number[]): SignTest {
  const up = signs.filter((s) => s > 0).length;
  const down = signs.filter((s) => s < 0).length;
  const ties = signs.length - up - down;
  const m = up + down;
  const p = signs.length < MIN_TEST_PAIRS || m === 0 ? Number.NaN : Math.min(1, 2 * binomialHalfCdf(Math.min(up, down), m));
  return { pairs: signs.length, up, down, ties, p };
}
