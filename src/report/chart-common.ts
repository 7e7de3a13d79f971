import type { TopLevelSpec } from 'vega-lite';
import { columnInfo } from '../record/columns.js';

// Shared pieces of the report's Vega-Lite specs (pure: data in, spec out). Every chart inlines its
// data (no URLs) and draws precomputed intervals: nothing is aggregated or resampled at render time.

/** A layer of a layered (or faceted) Vega-Lite spec. */
export type Layer = Extract<TopLevelSpec, { layer: unknown }>['layer'][number];

/** One row of a chart's inline data. */
export type Datum = Record<string, string | number | null>;

/** The schema the specs are written against (kept in the saved .vl.json files for editors). */
export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

/** Fonts, first available wins (the same list in browsers and in the PNG renderer). */
export const FONT = 'Liberation Sans, Arial, Helvetica, DejaVu Sans, sans-serif';

/** Size of one panel, in pixels. */
export const PANEL = { width: 260, height: 170 } as const;

/** Width of the report's column, in pixels: a figure (panels, axes and legend) fits in it. */
export const REPORT_WIDTH = 1100;

/** Most panels per row of a wrapped facet (fewer when they would not fit the report's column). */
const COLUMNS = 3;

/** Room per panel beside its plotting width (y axis labels and title, padding), and for a legend on the right. */
const PANEL_CHROME = 60;
const LEGEND_ROOM = 180;

/** Panels per row so that the row (with its legend) fits the report's column: at least 1, at most `COLUMNS`. */
export function fitColumns(panelWidth: number, panels: number): number {
  const fit = Math.floor((REPORT_WIDTH - LEGEND_ROOM) / (panelWidth + PANEL_CHROME));
  return Math.max(1, Math.min(COLUMNS, panels, fit));
}

/** The widest plotting area one panel may have and still fit the report's column beside a legend. */
export const MAX_PANEL_WIDTH = REPORT_WIDTH - LEGEND_ROOM - PANEL_CHROME;

// "no BN" is the reference in every chart: near-black, far in lightness from every series colour, so BN
// and no BN stay apart in print, in grey scale and for colour-blind readers. The series take Tableau 10
// without its grey (orange first: the strongest contrast to the reference), Tableau 20 beyond 9 levels,
// and evenly spaced hues beyond 18, so that no two levels ever share a colour.
const REFERENCE = '#262626';
const TABLEAU10 = ['#f58518', '#4c78a8', '#54a24b', '#e45756', '#72b7b2', '#b279a2', '#ff9da6', '#9d755d', '#eeca3b'];
const TABLEAU20 = [
  '#4c78a8', '#9ecae9', '#f58518', '#ffbf79', '#54a24b', '#88d27a', '#b79a20', '#f2cf5b', '#439894',
  '#83bcb6', '#e45756', '#ff9d98', '#d67195', '#fcbfd2', '#b279a2', '#d6a5c9', '#9e765f', '#d8b5a5',
];

/** `n` distinct colours of medium lightness, hues evenly spaced (for more levels than Tableau 20 holds). */
function spacedHues(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `hsl(${Math.round((i * 360) / n)}, 65%, 45%)`);
}

/** Colours of the series, in order: `no BN` near-black, the others from a palette sized to their count (stable across charts). */
export function palette(series: readonly string[]): string[] {
  const others = series.filter((s) => s !== 'no BN').length;
  const colours = others <= TABLEAU10.length ? TABLEAU10 : others <= TABLEAU20.length ? TABLEAU20 : spacedHues(others);
  let next = 0;
  return series.map((s) => (s === 'no BN' ? REFERENCE : colours[next++]!));
}

/**
 * The y scale for values spanning `values`: log when they are positive and span more than 20x, symlog
 * (linear near 0, log beyond the smallest positive value) when some are 0; else linear, from 0 when `zero`.
 */
export function yScale(values: readonly (number | null | undefined)[], zero = false): Record<string, unknown> {
  const finite = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const positive = finite.filter((v) => v > 0);
  if (finite.length > 0 && positive.length > 0 && finite.every((v) => v >= 0)) {
    const lo = Math.min(...positive);
    const hi = Math.max(...positive);
    if (hi / lo > 20) return positive.length === finite.length ? { type: 'log' } : { type: 'symlog', constant: lo };
  }
  return { zero };
}

/** A legend that fits: on the right for a few series, below the panels in columns for many. */
export function legendFor(series: readonly string[], lines: boolean): Record<string, unknown> {
  const symbols = lines ? { symbolType: 'stroke', symbolStrokeWidth: 3, symbolOpacity: 1 } : {};
  return series.length > 8 ? { ...symbols, orient: 'bottom', direction: 'horizontal', columns: 4, labelLimit: 200 } : symbols;
}

/** The colour channel of a chart whose series are `series` (legend titled `title`; `lines` draws line symbols). */
export function colorEncoding(series: readonly string[], title: string, lines = false): Record<string, unknown> {
  return {
    field: 'series',
    type: 'nominal',
    title,
    sort: [...series],
    scale: { domain: [...series], range: palette(series) },
    legend: legendFor(series, lines),
  };
}

/** The chart-wide configuration: font, no outer border, readable labels. */
export function chartConfig(): Record<string, unknown> {
  return {
    font: FONT,
    view: { stroke: '#ddd' },
    axis: { labelFontSize: 11, titleFontSize: 12, labelAngle: 0 },
    legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 260 },
    header: { labelFontSize: 12, labelLimit: 320 },
    title: { fontSize: 14, anchor: 'start' },
  };
}

/**
 * A chart of `layer`s over `values`: one panel, or panels wrapped `COLUMNS` per row when the data hold
 * more than one `panel` value (in the order of `panels`). `encoding` is shared by all layers;
 * `independentX` gives each panel its own x scale (panels whose x levels differ); `width` overrides the panel width.
 */
export function panelled(
  values: readonly Datum[],
  layer: Layer[],
  opts: { title: string | Record<string, unknown>; panels: readonly string[]; encoding: Record<string, unknown>; description: string; independentX?: boolean; width?: number },
): TopLevelSpec {
  const top = {
    $schema: VEGA_LITE_SCHEMA,
    description: opts.description,
    title: opts.title,
    data: { values: [...values] },
    config: chartConfig(),
  };
  const size = { width: Math.min(MAX_PANEL_WIDTH, opts.width ?? PANEL.width), height: PANEL.height };
  if (opts.panels.length <= 1) {
    return { ...top, ...size, encoding: opts.encoding, layer } as TopLevelSpec;
  }
  return {
    ...top,
    facet: { field: 'panel', type: 'nominal', title: null, sort: [...opts.panels] },
    columns: fitColumns(size.width, opts.panels.length),
    spec: { ...size, encoding: opts.encoding, layer },
    ...(opts.independentX === true ? { resolve: { scale: { x: 'independent' } } } : {}),
  } as TopLevelSpec;
}

/** Distinct values of `key` in `values`, in order of first appearance. */
export function distinct(values: readonly Datum[], key: string): string[] {
  return [...new Set(values.map((v) => String(v[key] ?? '')))];
}

/** An axis title in words: a column name (`w1_prev`) becomes its registry label; other titles are kept. */
export function axisTitle(title: string): string {
  const info = columnInfo(title);
  return info === undefined || info.kind === 'param' || info.kind === 'id' ? title : info.label;
}
