/**
 * Fraction of units whose |γ| is below `threshold`·mean|γ| (Frankle et al. 2021: BN-only training
 * "disables" about a third of the random features by driving γ to ~0). NaN for no units or non-finite γ.
 */
export function smallGammaFraction(gamma: ArrayLike<number>, threshold = 0.05): number {
  const n = gamma.length;
  if (n === 0) return NaN;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.abs(gamma[i]!);
  if (!Number.isFinite(sum)) return NaN; // a diverged run
  const limit = (threshold * sum) / n;
  let small = 0;
  for (let i = 0; i < n; i++) if (Math.abs(gamma[i]!) < limit) small++;
  return small / n;
}
