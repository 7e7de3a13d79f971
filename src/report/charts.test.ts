import { compile } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { bandChart } from './chart-band.js';
import { palette } from './chart-common.js';
import { ciPointsChart } from './chart-points.js';
import { percentileChart } from './chart-percentiles.js';
import { inlineSvg, specToSvg, svgToPng } from './render.js';

// Spec builders are pure: data in, spec out. The spec must carry the rows unchanged, draw precomputed
// intervals (never Vega's own `ci` aggregate, which bootstraps at random), reference no URL, and compile.
const band = bandChart(
  [
    { panel: 'depth=2', series: 'no BN', x: 0, mean: 0.5, low: null, high: null },
    { panel: 'depth=2', series: 'no BN', x: 50, mean: 0.8, low: 0.7, high: 0.9 },
    { panel: 'depth=8', series: 'BN (before)', x: 50, mean: 0.85, low: 0.8, high: 0.9 },
  ],
  { title: 'test accuracy', description: 'd', xTitle: 'step', yTitle: 'test accuracy', seriesTitle: 'batchNorm', series: ['no BN', 'BN (before)'] },
);
const points = ciPointsChart(
  [
    { panel: '', x: '2', series: 'no BN', mean: 0.8, low: 0.7, high: 0.9, label: '2/2', labelY: 0.9 },
    { panel: '', x: '8', series: 'no BN', mean: null, low: null, high: null, label: '0/2', labelY: 600 },
  ],
  { title: 'steps', description: 'd', xTitle: 'depth', yTitle: 'steps', seriesTitle: 'batchNorm', xOrder: ['2', '8'], series: ['no BN'] },
);
const pct = percentileChart(
  [
    { row: 'layer 1', column: 'no BN', series: 'no BN', step: 0, q15: -1, q50: 0, q85: 1 },
    { row: 'layer 1', column: 'BN (before)', series: 'BN (before)', step: 0, q15: -0.5, q50: 0, q85: 0.5 },
  ],
  { title: 'percentiles', description: 'd', yTitle: 'pre-activation', seriesTitle: 'batchNorm' },
);

describe('chart specs', () => {
  it.each([
    ['band', band],
    ['points', points],
    ['percentiles', pct],
  ])('%s: inline data, no resampling aggregate, no URL, compiles', (_name, spec) => {
    const text = JSON.stringify({ ...spec, $schema: undefined });
    expect(text).not.toMatch(/"(ci|ci0|ci1|stderr|errorband|errorbar)"/);
    expect(text).not.toMatch(/https?:\/\//);
    expect(text).not.toContain('"url"');
    expect(() => compile(spec)).not.toThrow();
  });

  it('keeps the rows as data and facets only when there is more than one panel', () => {
    expect((band as { data: { values: unknown[] } }).data.values).toHaveLength(3);
    expect(band).toHaveProperty('facet.field', 'panel');
    expect(points).not.toHaveProperty('facet');
    expect(points).toHaveProperty('encoding.x.sort', ['2', '8']);
    expect(pct).toHaveProperty('facet.row.field', 'row');
    expect(pct).toHaveProperty('facet.column.field', 'column');
  });

  it('draws the band from the precomputed low/high and the line from the mean', () => {
    const layers = (band as { spec: { layer: { mark: { type: string }; encoding: Record<string, { field: string }> }[] } }).spec.layer;
    expect(layers.map((l) => l.mark.type)).toEqual(['area', 'line']);
    expect(layers[0]!.encoding.y!.field).toBe('low');
    expect(layers[0]!.encoding.y2!.field).toBe('high');
    expect(layers[1]!.encoding.y!.field).toBe('mean');
  });

  it('colours "no BN" near-black in every chart and the others from a fixed palette', () => {
    expect(palette(['no BN', 'BN (before)', 'BN (after)'])).toEqual(['#262626', '#f58518', '#4c78a8']);
    expect(palette(['BN (before)'])).toEqual(['#f58518']);
  });
});

describe('render', () => {
  it('renders a spec to an SVG with its series and axis titles, deterministically, and to a PNG', async () => {
    const svg = await specToSvg(band);
    expect(svg.startsWith('<svg')).toBe(true);
    for (const text of ['no BN', 'BN (before)', 'depth=2', 'depth=8', 'step']) expect(svg).toContain(text);
    expect(await specToSvg(band)).toBe(svg);
    expect(inlineSvg(svg)).not.toContain('xmlns');
    const png = svgToPng(svg, 1);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  });
});
