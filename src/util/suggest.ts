// Pure text helpers (no project imports), shared by config/ and the layers below it.
import { distance } from 'fastest-levenshtein';

/**
 * The candidate closest to `key` by edit distance (case-insensitive), or undefined when none is close
 * enough to be a plausible typo (at most max(2, len/3) edits). An abbreviation (`distrib`) matches
 * the single candidate it starts.
 */
export function didYouMean(key: string, candidates: readonly string[]): string | undefined {
  const k = key.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(k, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  if (bestDistance <= Math.max(2, Math.floor(key.length / 3))) return best;
  const extended = k.length >= 3 ? candidates.filter((c) => c.toLowerCase().startsWith(k)) : [];
  return extended.length === 1 ? extended[0] : undefined;
}

/**
 * The tail of an unknown-key message: `; did you mean "x"?`, or the allowed keys when nothing is close.
 * `prefix` is prepended to the suggestion (`model.` gives "model.batchNorm").
 */
export function keyHint(key: string, allowed: readonly string[], prefix = ''): string {
  const guess = didYouMean(key, allowed);
  if (guess !== undefined) return `; did you mean "${prefix}${guess}"?`;
  return allowed.length === 0 ? '' : ` (expected one of ${allowed.join(', ')})`;
}
