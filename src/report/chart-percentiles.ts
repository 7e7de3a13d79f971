import type { TopLevelSpec } from 'vega-lite';
import { axisTitle, chartConfig, colorEncoding, type Datum, distinct, fitColumns, MAX_PANEL_WIDTH, PANEL, VEGA_LITE_SCHEMA } from './chart-common.js';

/** The 15th, 50th and 85th percentiles of one layer (or unit) at one step. */
export interface PercentilePoint {
  /** Facet row, e.g. `layer 3` or `unit 0`. */
  row: string;
  /** Facet column, e.g. the config cell. */
  column: string;
  series: string;
  step: number;
  q15: number;
  q50: number;
  q85: number;
}

/** Titles and orders of a percentile chart. */
export interface PercentileOptions {
  title: string;
  description: string;
  yTitle: string;
  seriesTitle: string;
  rows?: readonly string[];
  columns?: readonly string[];
  series?: readonly string[];
}

/**
 * Percentile trajectories as in Ioffe & Szegedy Fig. 1(b,c): the median as a solid line, the 15th and
 * 85th percentiles dashed with the band between them shaded; rows x columns of panels on one y scale.
 */
export function percentileChart(points: readonly PercentilePoint[], opts: PercentileOptions): TopLevelSpec {
  const values: Datum[] = points.map((p) => ({ ...p }));
  const series = opts.series ?? distinct(values, 'series');
  const y = (field: string): Record<string, unknown> => ({ field, type: 'quantitative', title: axisTitle(opts.yTitle), scale: { zero: false } });
  // A row of panels per layer and a column per cell cannot wrap: narrower panels keep the row in the report's column.
  const columns = opts.columns ?? distinct(values, 'column');
  const width = columns.length <= fitColumns(PANEL.width, columns.length) ? PANEL.width : Math.max(120, Math.floor(MAX_PANEL_WIDTH / columns.length) - 60);
  const dashed = { type: 'line', strokeWidth: 1, strokeDash: [4, 3] };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: opts.title,
    description: opts.description,
    data: { values },
    config: chartConfig(),
    facet: {
      row: { field: 'row', type: 'nominal', title: null, sort: [...(opts.rows ?? distinct(values, 'row'))] },
      column: { field: 'column', type: 'nominal', title: null, sort: [...columns] },
    },
    spec: {
      width,
      height: Math.round(PANEL.height * 0.8),
      encoding: { x: { field: 'step', type: 'quantitative', title: 'step' }, color: colorEncoding(series, opts.seriesTitle, true) },
      layer: [
        { mark: { type: 'area', opacity: 0.15 }, encoding: { y: y('q15'), y2: { field: 'q85' } } },
        { mark: dashed, encoding: { y: y('q15') } },
        { mark: { type: 'line', strokeWidth: 2 }, encoding: { y: y('q50') } },
        { mark: dashed, encoding: { y: y('q85') } },
      ],
    },
  } as TopLevelSpec;
}
