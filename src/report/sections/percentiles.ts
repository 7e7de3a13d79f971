import { type CsvRow, cellKeyOf, groupCells, num, okRuns } from '../../analysis/cells.js';
import { mean } from '../../stats/describe.js';
import { type PercentilePoint, percentileChart } from '../chart-percentiles.js';
import { activeAxes, contrastOf, type ReportData, seriesOf, seriesOrder } from '../data.js';
import { sentence } from '../format.js';
import { axisName, cellText } from '../labels.js';
import type { Figure, Section } from '../section.js';
import { ratioAnswer } from './layer-answers.js';

/** Hidden-layer rows of layers.csv (the output layer's "pre-activations" are logits). */
export const isHidden = (r: CsvRow): boolean => r.kind === 'hidden';

/** The column label of a cell in a percentile chart. */
function columnOf(run: CsvRow, axes: readonly string[]): string {
  return cellText(run, axes) || 'all runs';
}

/**
 * Per cell, hidden layer and probe step: the mean over the cell's ok runs of the per-layer q15/q50/q85
 * (each already a mean over units, layers.csv).
 */
export function layerPercentiles(data: ReportData): PercentilePoint[] {
  const contrast = contrastOf(data);
  const active = activeAxes(data);
  const ok = new Map(okRuns(data.runs).map((r) => [r.run_id ?? '', r]));
  const groups = new Map<string, { run: CsvRow; layer: number; step: number; rows: CsvRow[] }>();
  for (const row of data.layers) {
    const run = ok.get(row.run_id ?? '');
    if (!run || !isHidden(row) || !Number.isFinite(num(row.q50))) continue;
    const key = JSON.stringify([cellKeyOf(run, data.axes), row.layer, row.step]);
    const g = groups.get(key);
    if (g) g.rows.push(row);
    else groups.set(key, { run, layer: num(row.layer), step: num(row.step), rows: [row] });
  }
  const avg = (rows: CsvRow[], col: string): number => mean(rows.map((r) => num(r[col])).filter(Number.isFinite));
  return [...groups.values()]
    .sort((a, b) => a.layer - b.layer || a.step - b.step)
    .map((g) => ({
      row: `layer ${g.layer}`,
      column: columnOf(g.run, active),
      series: seriesOf(g.run, contrast),
      step: g.step,
      q15: avg(g.rows, 'q15'),
      q50: avg(g.rows, 'q50'),
      q85: avg(g.rows, 'q85'),
    }));
}

/** The recorded units (`u<k>_q50` columns with values), ascending. */
export function recordedUnits(layers: readonly CsvRow[]): number[] {
  const cols = Object.keys(layers[0] ?? {});
  return cols
    .map((c) => /^u(\d+)_q50$/.exec(c))
    .filter((m): m is RegExpExecArray => m !== null && layers.some((r) => Number.isFinite(num(r[m[0]]))))
    .map((m) => Number(m[1]));
}

/**
 * Ioffe & Szegedy Fig. 1(b,c): the percentiles of single recorded units of the last hidden layer, for the
 * first ok run (lowest seed) of each cell: one network, as in the paper.
 */
export function unitPercentiles(data: ReportData): { points: PercentilePoint[]; layer: number; seeds: string[] } {
  const contrast = contrastOf(data);
  const active = activeAxes(data);
  const hidden = data.layers.filter(isHidden);
  const layer = Math.max(...hidden.map((r) => num(r.layer)).filter(Number.isFinite));
  const units = recordedUnits(hidden);
  const points: PercentilePoint[] = [];
  const seeds: string[] = [];
  for (const cell of groupCells(data.runs, data.axes)) {
    const run = [...okRuns(cell.runs)].sort((a, b) => num(a.seed) - num(b.seed))[0];
    if (!run) continue;
    seeds.push(`${columnOf(run, active)}: seed ${run.seed ?? ''}`);
    const rows = hidden.filter((r) => r.run_id === run.run_id && num(r.layer) === layer).sort((a, b) => num(a.step) - num(b.step));
    for (const u of units) {
      for (const r of rows) {
        const q = (k: string): number => num(r[`u${u}_${k}`]);
        if (!Number.isFinite(q('q50'))) continue;
        points.push({ row: `unit ${u}`, column: columnOf(run, active), series: seriesOf(run, contrast), step: num(r.step), q15: q('q15'), q50: q('q50'), q85: q('q85') });
      }
    }
  }
  return { points, layer, seeds };
}

/** Per-layer distributions of the pre-activations over training (Ioffe & Szegedy Fig. 1), BN vs no BN. */
export function percentilesSection(data: ReportData): Section | undefined {
  const points = layerPercentiles(data);
  if (points.length === 0) return undefined;
  const contrast = contrastOf(data);
  const seriesTitle = contrast ? axisName(contrast.axis) : 'runs';
  const figures: Figure[] = [
    {
      name: 'percentiles-layers',
      caption:
        'The 15th, 50th (solid) and 85th (dashed) percentiles of each hidden layer\'s pre-activations (the input to the nonlinearity, ' +
        'after BN where BN is on) on the fixed probe set, over training: per-unit percentiles averaged over units, then over seeds. ' +
        'A stable distribution gives flat lines.',
      spec: percentileChart(points, { title: 'Pre-activation percentiles per layer', description: 'q15/q50/q85 per layer from layers.csv', yTitle: 'pre-activation', seriesTitle, series: seriesOrder(contrast) }),
    },
  ];
  const units = unitPercentiles(data);
  if (units.points.length > 0) {
    figures.push({
      name: 'percentiles-units',
      caption:
        `Single units of the last hidden layer (layer ${units.layer}), as in Ioffe & Szegedy Fig. 1(b,c): the 15th, 50th and 85th ` +
        `percentiles of the unit's input to the nonlinearity over training, for one network per cell (${units.seeds.join('; ')}).`,
      spec: percentileChart(units.points, { title: `Typical units of layer ${units.layer}`, description: 'u<k>_q15/q50/q85 from layers.csv', yTitle: 'pre-activation', seriesTitle, series: seriesOrder(contrast) }),
    });
  }
  const clauses = ratioAnswer(data, 'drift_last_layer', "the last hidden layer's normalized median drift", 'smaller', 'larger');
  return {
    id: 'percentiles',
    title: 'Layer input distributions over training',
    answer:
      clauses.length > 0
        ? sentence(clauses)
        : 'runs.csv holds no drift summary (drift_last_layer), so no number answers this here; the figures show the trajectories.',
    figures,
    notes: [
      'Normalized median drift (drift_last_layer in runs.csv, docs/science.md): per unit, the range of its median over the probes after the burn-in ' +
        'divided by its mean 15-85 spread, averaged over the units of the last hidden layer. It makes BN and no BN comparable although their scales differ.',
    ],
  };
}
