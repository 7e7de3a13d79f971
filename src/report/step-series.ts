import { type CsvRow, cellKeyOf, groupCells, num, okRuns } from '../analysis/cells.js';
import { describe } from '../stats/describe.js';
import type { BandPoint } from './chart-band.js';
import { clipped, type Contrast, seriesOf } from './data.js';
import { cellText } from './labels.js';

// Per-step tables keyed by run (layers.csv, landscape.csv) turned into band points: for each config cell
// (and layer), at each probe step, the mean and t CI over the cell's ok runs. Pure.

/** Options of `stepSeries`: which rows count and how panels are named. */
export interface StepSeriesOptions {
  contrast: Contrast | undefined;
  /** Axes other than the contrast that name a panel. */
  panelAxes: readonly string[];
  /** One panel per `layer` value (layers.csv). */
  byLayer: boolean;
  /** Keep only these rows (e.g. hidden layers). */
  keep?: (row: CsvRow) => boolean;
  /** The measure's possible range: CI ends are clipped to it (e.g. [-1, 1] for a cosine). */
  range?: readonly [number, number];
}

/** `layer 2`, `layer 4 (output)`, `layer 2 · depth=8`, `depth=8` or ''. */
function panelName(layer: string | undefined, kind: string | undefined, cell: string): string {
  const l = layer === undefined ? '' : `layer ${layer}${kind === 'output' ? ' (output)' : ''}`;
  return [l, cell].filter(Boolean).join(' · ');
}

/** Band points of `metric` over steps per cell (and layer), panels ordered by layer then cell. */
export function stepSeries(
  runs: readonly CsvRow[],
  axes: readonly string[],
  rows: readonly CsvRow[],
  metric: string,
  opts: StepSeriesOptions,
): BandPoint[] {
  const ok = new Map(okRuns(runs).map((r) => [r.run_id ?? '', r]));
  const cellOrder = new Map(groupCells(runs, axes).map((c, i) => [c.key, i]));
  const groups = new Map<string, { run: CsvRow; layer: string | undefined; kind: string | undefined; step: number; xs: number[] }>();
  for (const row of rows) {
    const run = ok.get(row.run_id ?? '');
    if (!run || (opts.keep && !opts.keep(row))) continue;
    const x = num(row[metric]);
    if (!Number.isFinite(x)) continue;
    const layer = opts.byLayer ? (row.layer ?? '') : undefined;
    const step = num(row.step);
    const key = JSON.stringify([cellKeyOf(run, axes), layer ?? '', step]);
    const g = groups.get(key);
    if (g) g.xs.push(x);
    else groups.set(key, { run, layer, kind: row.kind, step, xs: [x] });
  }
  const sorted = [...groups.values()].sort(
    (a, b) =>
      num(a.layer) - num(b.layer) ||
      (cellOrder.get(cellKeyOf(a.run, axes)) ?? 0) - (cellOrder.get(cellKeyOf(b.run, axes)) ?? 0) ||
      a.step - b.step,
  );
  return sorted.map((g) => {
    const d = describe(g.xs);
    const clip = (x: number): number | null => {
      const y = clipped(metric, x);
      return y === null || !opts.range ? y : Math.min(opts.range[1], Math.max(opts.range[0], y));
    };
    return {
      panel: panelName(g.layer, g.kind, cellText(g.run, opts.panelAxes)),
      series: seriesOf(g.run, opts.contrast),
      x: g.step,
      mean: d.mean,
      low: clip(d.ci.low),
      high: clip(d.ci.high),
      n: d.n,
    };
  });
}
