import type { TopLevelSpec } from 'vega-lite';
import { axisTitle, colorEncoding, type Datum, distinct, MAX_PANEL_WIDTH, PANEL, panelled, yScale } from './chart-common.js';

/** One config cell's mean with its precomputed CI, at level `x` of the x axis. */
export interface CiPoint {
  panel: string;
  x: string;
  series: string;
  /** null when no run has a value (e.g. every run censored). */
  mean: number | null;
  low: number | null;
  high: number | null;
  /** Short annotation above the point, e.g. `2/3 reached` ('' for none). */
  label: string;
  /** Where the annotation sits: above the CI, else at the mean, else at a fallback height. */
  labelY: number | null;
}

/** Titles and orders of a points chart. */
export interface PointsOptions {
  title: string;
  description: string;
  xTitle: string;
  yTitle: string;
  seriesTitle: string;
  xOrder?: readonly string[];
  series?: readonly string[];
  panels?: readonly string[];
  yZero?: boolean;
  /** Each panel shows only its own x levels. */
  independentX?: boolean;
}

/** Points (means) with CI error bars per x level, series side by side, one panel per `panel`. */
export function ciPointsChart(points: readonly CiPoint[], opts: PointsOptions): TopLevelSpec {
  const values: Datum[] = points.map((p) => ({ ...p }));
  const series = opts.series ?? distinct(values, 'series');
  const labelled = values.some((v) => v.label !== '' && v.labelY !== null);
  const xOrder = opts.xOrder ?? distinct(values, 'x');
  // Room for every series side by side at each x level (dodged, so BN and no BN at one x never overlap),
  // within the report's column; long level names are slanted.
  const width = Math.min(MAX_PANEL_WIDTH, Math.max(PANEL.width, xOrder.length * Math.max(48, 24 * series.length + 12)));
  const slant = Math.max(0, ...xOrder.map((x) => x.length)) * 7 > width / Math.max(1, xOrder.length);
  const scale = yScale(values.flatMap((v) => [v.mean, v.low, v.high] as (number | null)[]), opts.yZero ?? false);
  const yTitle = axisTitle(opts.yTitle) + (scale.type === 'log' || scale.type === 'symlog' ? ' (log scale)' : '');
  const y = (field: string): Record<string, unknown> => ({ field, type: 'quantitative', title: yTitle, scale });
  return panelled(
    values,
    [
      {
        transform: [{ filter: 'isValid(datum.low) && isValid(datum.high)' }],
        mark: { type: 'rule', strokeWidth: 2 },
        encoding: { y: y('low'), y2: { field: 'high' } },
      },
      {
        transform: [{ filter: 'isValid(datum.mean)' }],
        mark: { type: 'point', filled: true, size: 60, opacity: 1 },
        encoding: { y: y('mean') },
      },
      ...(labelled
        ? [
            {
              transform: [{ filter: "isValid(datum.labelY) && datum.label != ''" }],
              mark: { type: 'text' as const, dy: -9, fontSize: 10 },
              encoding: { y: y('labelY'), text: { field: 'label' } },
            },
          ]
        : []),
    ],
    {
      title: opts.title,
      description: opts.description,
      panels: opts.panels ?? distinct(values, 'panel'),
      independentX: opts.independentX,
      width,
      encoding: {
        x: {
          field: 'x',
          type: 'ordinal',
          title: opts.xTitle,
          sort: [...xOrder],
          ...(slant ? { axis: { labelAngle: -35, labelAlign: 'right', labelLimit: 140 } } : {}),
        },
        xOffset: { field: 'series', sort: [...series], scale: { paddingInner: 0.2 } },
        color: colorEncoding(series, opts.seriesTitle),
      },
    },
  );
}

/** The annotation height of a point: above its CI, else its mean, else `fallback`. */
export function labelHeight(mean: number | null, high: number | null, fallback: number | null): number | null {
  return high ?? mean ?? fallback;
}
