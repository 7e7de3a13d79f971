/*
 * Norms of flat float arrays, accumulated in float64 (pure). The probes compute their training signals
 * from pulled values with these instead of launching a few kernels per number.
 */

/** Euclidean norm ||a||. */
export function l2Norm(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) ** 2;
  return Math.sqrt(s);
}

/** Euclidean distance ||a − b|| of two arrays of the same length. */
export function l2Distance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`l2Distance: lengths ${a.length} and ${b.length} differ`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += ((a[i] as number) - (b[i] as number)) ** 2;
  return Math.sqrt(s);
}

/**
 * BN's batch-vs-moving gaps of one layer (layers.csv): mean over units of |μ_B − μ_mov| / sqrt(σ²_mov + ε)
 * and of σ²_B / σ²_mov.
 */
export function bnGaps(
  batchMean: ArrayLike<number>,
  batchVar: ArrayLike<number>,
  movingMean: ArrayLike<number>,
  movingVar: ArrayLike<number>,
  epsilon: number,
): { meanGap: number; varRatio: number } {
  const units = batchMean.length;
  let gap = 0;
  let ratio = 0;
  for (let u = 0; u < units; u++) {
    const mv = movingVar[u] as number;
    gap += Math.abs((batchMean[u] as number) - (movingMean[u] as number)) / Math.sqrt(mv + epsilon);
    ratio += (batchVar[u] as number) / mv;
  }
  return { meanGap: gap / units, varRatio: ratio / units };
}
