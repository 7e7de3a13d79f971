// Terminal mini-charts (pure): one line of block characters per series.

const BARS = '▁▂▃▄▅▆▇█';

/** How values map to bar heights: `log` when they are positive (else linear); `auto` picks log when they span more than 10x. */
export type SparkScale = 'linear' | 'log' | 'auto';

/**
 * A sparkline of `values`: one block character per value, scaled between their min and max (a flat
 * series is all low blocks, a NaN a space), resampled evenly to at most `width` characters. On a log
 * scale a loss falling from 0.7 to 0.01 shows its whole descent instead of `█▂▁▁▁`.
 */
export function sparkline(values: readonly number[], width = 32, scale: SparkScale = 'auto'): string {
  const n = values.length;
  const picked = n <= width ? values : Array.from({ length: width }, (_, i) => values[Math.round((i * (n - 1)) / (width - 1))]!);
  const finite = picked.filter(Number.isFinite);
  if (finite.length === 0) return ' '.repeat(picked.length);
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  const log = min > 0 && (scale === 'log' || (scale === 'auto' && max / min > 10));
  const f = log ? Math.log : (v: number): number => v;
  const lo = f(min);
  const span = f(max) - lo;
  return picked
    .map((v) => (Number.isFinite(v) ? BARS[span === 0 ? 0 : Math.round(((f(v) - lo) / span) * (BARS.length - 1))]! : ' '))
    .join('');
}
