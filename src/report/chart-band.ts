import type { TopLevelSpec } from 'vega-lite';
import { axisTitle, colorEncoding, type Datum, distinct, panelled, yScale } from './chart-common.js';

/** One point of a curve: the mean over seeds at `x` and its precomputed CI (null where none, e.g. one seed). */
export interface BandPoint {
  panel: string;
  series: string;
  x: number;
  mean: number;
  low: number | null;
  high: number | null;
  /** Runs behind the mean; below `MIN_BAND_N` the t band is not drawn (with 2 seeds its t quantile is 12.7). */
  n?: number;
}

/** Fewest runs at a point for its t band to be drawn. */
export const MIN_BAND_N = 3;

/** Titles and orders of a band chart. */
export interface BandOptions {
  title: string;
  description: string;
  xTitle: string;
  yTitle: string;
  seriesTitle: string;
  /** Series order (default: first appearance). */
  series?: readonly string[];
  /** Panel order (default: first appearance); one panel draws no facet. */
  panels?: readonly string[];
  /** Include 0 in the y scale (default false). */
  yZero?: boolean;
}

/** Lines of the mean over `x` with a shaded CI band, one colour per series, one panel per `panel`. */
export function bandChart(points: readonly BandPoint[], opts: BandOptions): TopLevelSpec {
  // Where fewer than 3 runs are behind a mean its band would swamp the panel: drawn as a line only, and said so.
  const thin = points.filter((p) => p.n !== undefined && p.n < MIN_BAND_N && p.low !== null);
  const values: Datum[] = points.map(({ n, ...p }) => (n !== undefined && n < MIN_BAND_N ? { ...p, low: null, high: null } : { ...p }));
  const series = opts.series ?? distinct(values, 'series');
  const panels = opts.panels ?? distinct(values, 'panel');
  const scale = yScale(values.flatMap((v) => [v.mean, v.low, v.high] as (number | null)[]), opts.yZero ?? false);
  const yTitle = axisTitle(opts.yTitle) + (scale.type === 'log' || scale.type === 'symlog' ? ' (log scale)' : '');
  const y = (field: string, title: string | null): Record<string, unknown> => ({ field, type: 'quantitative', title, scale });
  const fewest = Math.min(...thin.map((p) => p.n!));
  const title = thin.length > 0 ? { text: opts.title, subtitle: `no 95% t band where fewer than ${MIN_BAND_N} runs are left (n = ${fewest}): means only` } : opts.title;
  return panelled(
    values,
    [
      {
        transform: [{ filter: 'isValid(datum.low) && isValid(datum.high)' }],
        mark: { type: 'area', opacity: 0.2 },
        encoding: { y: y('low', yTitle), y2: { field: 'high' } },
      },
      {
        mark: { type: 'line', strokeWidth: 2, point: { size: 16 } },
        encoding: { y: y('mean', yTitle) },
      },
    ],
    {
      title,
      description: opts.description,
      panels,
      encoding: {
        x: { field: 'x', type: 'quantitative', title: opts.xTitle },
        color: colorEncoding(series, opts.seriesTitle, true),
      },
    },
  );
}
