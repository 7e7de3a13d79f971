import { columnLabel } from '../record/columns.js';
import type { TopLevelSpec } from 'vega-lite';
import { summarizeCurves } from '../analysis/seed-summary.js';
import { bandChart } from './chart-band.js';
import { activeAxes, type Contrast, contrastOf, hasValues, type Layout, levelsOf, type ReportData, seriesOrder } from './data.js';
import { axisName,  } from './labels.js';
import { cellPoints, cellPointsChart } from './sections/points.js';
import { curvePoints } from './sections/convergence.js';
import { stepSeries } from './step-series.js';

// `bn-exp plot`: one chart of any numeric column, from whichever table holds it (pure).

/** Where a plotted column comes from. */
export type PlotSource = 'curves.csv' | 'runs.csv' | 'layers.csv' | 'landscape.csv';

const NOT_METRICS = new Set(['run_id', 'seed', 'status', 'error', 'step', 'epoch', 'layer', 'kind']);

/** The plottable columns of each table, in the order they are searched. */
export function plottableColumns(data: ReportData): [PlotSource, string[]][] {
  const numeric = (rows: ReportData['runs'], cols: readonly string[]): string[] =>
    cols.filter((c) => !NOT_METRICS.has(c) && !data.axes.includes(c) && hasValues(rows, c));
  const keys = (rows: ReportData['runs']): string[] => Object.keys(rows[0] ?? {});
  return [
    ['curves.csv', numeric(data.curves, data.curvesColumns)],
    ['runs.csv', numeric(data.runs, data.runsColumns)],
    ['layers.csv', numeric(data.layers, keys(data.layers))],
    ['landscape.csv', numeric(data.landscape, keys(data.landscape))],
  ];
}

/** The colour axis: `by` when given, else the report's contrast (BN when swept). */
export function contrastFor(data: ReportData, by: string | undefined): Contrast | undefined {
  if (by === undefined) return contrastOf(data);
  const levels = levelsOf(data.runs, by);
  return { axis: by, ref: levels[0] ?? '', levels };
}

/** A chart of `metric` coloured by `by` (undefined when no table holds the column). */
export function plotSpec(data: ReportData, metric: string, by?: string): { spec: TopLevelSpec; source: PlotSource } | undefined {
  const source = plottableColumns(data).find(([, cols]) => cols.includes(metric))?.[0];
  if (!source) return undefined;
  const contrast = contrastFor(data, by);
  const others = activeAxes(data).filter((a) => a !== contrast?.axis);
  const seriesTitle = contrast ? axisName(contrast.axis) : 'runs';
  const band = (points: Parameters<typeof bandChart>[0]): TopLevelSpec =>
    bandChart(points, {
      title: `${columnLabel(metric)} (${source})`,
      description: `${metric} from ${source}: mean and 95% t CI over seeds`,
      xTitle: 'step',
      yTitle: columnLabel(metric),
      seriesTitle,
      series: seriesOrder(contrast),
    });
  if (source === 'curves.csv') {
    const rows = summarizeCurves(data.runs, data.curves, data.axes, [metric]);
    return { source, spec: band(curvePoints(rows, metric, data.axes, contrast, others)) };
  }
  if (source === 'runs.csv') {
    const numeric = others.filter((a) => levelsOf(data.runs, a).every((v) => Number.isFinite(Number(v))));
    const x = numeric[0] ?? others[0];
    const layout: Layout = { contrast, x, panels: others.filter((a) => a !== x) };
    const points = cellPoints(data.runs, data.axes, metric, layout, (c) => (c.stats.n < c.runs ? `n=${c.stats.n}/${c.runs}` : ''));
    return { source, spec: cellPointsChart(data.runs, points, metric, layout, `${columnLabel(metric)} (${source})`) };
  }
  const rows = source === 'layers.csv' ? data.layers : data.landscape;
  const points = stepSeries(data.runs, data.axes, rows, metric, { contrast, panelAxes: others, byLayer: source === 'layers.csv' });
  return { source, spec: band(points) };
}
