import { columnLabel } from '../../record/columns.js';
import { type CsvRow, groupCells } from '../../analysis/cells.js';
import { type CiPoint, ciPointsChart, labelHeight } from '../chart-points.js';
import { cellStats, clipped, type Layout, levelsOf, seriesOf, seriesOrder } from '../data.js';
import { axisName, cellText, valueLabel } from '../labels.js';
import type { TopLevelSpec } from 'vega-lite';

// Per-cell means with CI error bars against the swept axes: the shared chart of the speed, final-metric
// and regularization sections (pure).

/** The x label of a cell: its value on the layout's x axis, else its series. */
export function xOf(params: Record<string, string>, layout: Layout): string {
  if (layout.x) return valueLabel(params[layout.x] ?? '');
  return seriesOf(params, layout.contrast);
}

/** x levels in display order. */
export function xOrder(runs: readonly CsvRow[], layout: Layout): string[] {
  if (layout.x) return levelsOf(runs, layout.x).map((v) => valueLabel(v));
  return seriesOrder(layout.contrast);
}

/**
 * One point per config cell: mean and t CI of `metric` over its ok runs with a value. `label` gives the
 * annotation of a cell (e.g. `2/3`); cells without a value are annotated at `fallbackY`; CI ends are
 * clipped to the metric's range and to `range` when given.
 */
export function cellPoints(
  runs: readonly CsvRow[],
  axes: readonly string[],
  metric: string,
  layout: Layout,
  label: (s: ReturnType<typeof cellStats>[number]) => string,
  fallbackY: number | null = null,
  range?: [number, number],
): CiPoint[] {
  const clip = (x: number): number | null => {
    const y = clipped(metric, x);
    return y === null || !range ? y : Math.min(range[1], Math.max(range[0], y));
  };
  return cellStats(runs, axes, metric).map((c) => {
    const mean = Number.isFinite(c.stats.mean) ? c.stats.mean : null;
    const low = clip(c.stats.ci.low);
    const high = clip(c.stats.ci.high);
    return {
      panel: cellText(c.params, layout.panels),
      x: xOf(c.params, layout),
      series: seriesOf(c.params, layout.contrast),
      mean,
      low,
      high,
      label: label(c),
      labelY: labelHeight(mean, high, fallbackY),
    };
  });
}

/** A points chart of `metric` per cell, laid out by `layout`. */
export function cellPointsChart(runs: readonly CsvRow[], points: readonly CiPoint[], metric: string, layout: Layout, title: string): TopLevelSpec {
  return ciPointsChart(points, {
    title,
    description: `${metric} per config cell: mean and 95% t CI over seeds`,
    xTitle: layout.x ? axisName(layout.x) : layout.contrast ? axisName(layout.contrast.axis) : '',
    yTitle: columnLabel(metric),
    seriesTitle: layout.contrast ? axisName(layout.contrast.axis) : 'runs',
    xOrder: xOrder(runs, layout),
    series: seriesOrder(layout.contrast),
    panels: [...new Set(groupCells(runs, layout.panels).map((c) => cellText(c.params, layout.panels)))],
  });
}
