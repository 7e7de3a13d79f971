import type { TopLevelSpec } from 'vega-lite';

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

/** Panels per row of a wrapped facet. */
const COLUMNS = 3;

// Tableau 10 without its grey: "no BN" is the grey reference line in every chart.
const COLOURS = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2', '#ff9da6', '#9d755d', '#eeca3b'];
const REFERENCE = '#6b6b6b';

/** Colours of the series, in order: `no BN` grey, the others from a fixed palette (stable across charts). */
export function palette(series: readonly string[]): string[] {
  let next = 0;
  return series.map((s) => (s === 'no BN' ? REFERENCE : COLOURS[next++ % COLOURS.length]!));
}

/** The colour channel of a chart whose series are `series` (legend titled `title`; `lines` draws line symbols). */
export function colorEncoding(series: readonly string[], title: string, lines = false): Record<string, unknown> {
  return {
    field: 'series',
    type: 'nominal',
    title,
    sort: [...series],
    scale: { domain: [...series], range: palette(series) },
    ...(lines ? { legend: { symbolType: 'stroke', symbolStrokeWidth: 3, symbolOpacity: 1 } } : {}),
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
  opts: { title: string; panels: readonly string[]; encoding: Record<string, unknown>; description: string; independentX?: boolean; width?: number },
): TopLevelSpec {
  const top = {
    $schema: VEGA_LITE_SCHEMA,
    description: opts.description,
    title: opts.title,
    data: { values: [...values] },
    config: chartConfig(),
  };
  const size = { width: opts.width ?? PANEL.width, height: PANEL.height };
  if (opts.panels.length <= 1) {
    return { ...top, ...size, encoding: opts.encoding, layer } as TopLevelSpec;
  }
  return {
    ...top,
    facet: { field: 'panel', type: 'nominal', title: null, sort: [...opts.panels] },
    columns: Math.min(COLUMNS, opts.panels.length),
    spec: { ...size, encoding: opts.encoding, layer },
    ...(opts.independentX === true ? { resolve: { scale: { x: 'independent' } } } : {}),
  } as TopLevelSpec;
}

/** Distinct values of `key` in `values`, in order of first appearance. */
export function distinct(values: readonly Datum[], key: string): string[] {
  return [...new Set(values.map((v) => String(v[key] ?? '')))];
}
