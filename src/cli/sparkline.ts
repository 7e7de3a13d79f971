// Terminal mini-charts (pure): one line of block characters per series.

const BARS = '▁▂▃▄▅▆▇█';

/**
 * A sparkline of `values`: one block character per value, scaled between their min and max (a flat
 * series is all low blocks, a NaN a space), resampled evenly to at most `width` characters.
 */
export function sparkline(values: readonly number[], width = 32): string {
  const n = values.length;
  const picked = n <= width ? values : Array.from({ length: width }, (_, i) => values[Math.round((i * (n - 1)) / (width - 1))]!);
  const finite = picked.filter(Number.isFinite);
  if (finite.length === 0) return ' '.repeat(picked.length);
  const lo = Math.min(...finite);
  const span = Math.max(...finite) - lo;
  return picked
    .map((v) => (Number.isFinite(v) ? BARS[span === 0 ? 0 : Math.round(((v - lo) / span) * (BARS.length - 1))]! : ' '))
    .join('');
}
