import type { TopLevelSpec } from 'vega-lite';
import { colorEncoding, type Datum, distinct, panelled } from './chart-common.js';

/** One point of a curve: the mean over seeds at `x` and its precomputed CI (null where none, e.g. one seed). */
export interface BandPoint {
  panel: string;
  series: string;
  x: number;
  mean: number;
  low: number | null;
  high: number | null;
}

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
  const values: Datum[] = points.map((p) => ({ ...p }));
  const series = opts.series ?? distinct(values, 'series');
  const panels = opts.panels ?? distinct(values, 'panel');
  const y = (field: string, title: string | null): Record<string, unknown> => ({
    field,
    type: 'quantitative',
    title,
    scale: { zero: opts.yZero ?? false },
  });
  return panelled(
    values,
    [
      {
        transform: [{ filter: 'isValid(datum.low) && isValid(datum.high)' }],
        mark: { type: 'area', opacity: 0.2 },
        encoding: { y: y('low', opts.yTitle), y2: { field: 'high' } },
      },
      {
        mark: { type: 'line', strokeWidth: 2, point: { size: 16 } },
        encoding: { y: y('mean', opts.yTitle) },
      },
    ],
    {
      title: opts.title,
      description: opts.description,
      panels,
      encoding: {
        x: { field: 'x', type: 'quantitative', title: opts.xTitle },
        color: colorEncoding(series, opts.seriesTitle, true),
      },
    },
  );
}
