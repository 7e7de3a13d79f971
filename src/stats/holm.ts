/**
 * Holm-Bonferroni adjusted p-values, in input order: sort the m valid p-values ascending, multiply the
 * i-th smallest (0-based) by m - i, carry the running maximum and cap at 1. Rejecting where the adjusted
 * value is <= alpha controls the family-wise error rate at alpha. NaN entries stay NaN and do not count in m.
 */
export function holm(pValues: readonly number[]): number[] {
  const order = pValues
    .map((p, i) => ({ p, i }))
    .filter((e) => !Number.isNaN(e.p))
    .sort((x, y) => x.p - y.p || x.i - y.i);
  const m = order.length;
  const out = pValues.map(() => Number.NaN);
  let running = 0;
  order.forEach((e, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * e.p));
    out[e.i] = running;
  });
  return out;
}
