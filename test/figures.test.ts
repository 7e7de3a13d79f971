import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readReportData } from '../src/cli/report.js';
import { type BandPoint, bandChart } from '../src/report/chart-band.js';
import { palette, REPORT_WIDTH } from '../src/report/chart-common.js';
import { type CiPoint, ciPointsChart } from '../src/report/chart-points.js';
import { buildReport } from '../src/report/build.js';
import type { ReportData } from '../src/report/data.js';
import { specToSvg } from '../src/report/render.js';

// Figures that fit: every figure of a real result set (the committed CI baseline) rendered and measured;
// the layout rules on specs with many levels. Widths are read from the rendered SVG, not assumed.

const root = fileURLToPath(new URL('..', import.meta.url));
const baseline = readReportData(path.join(root, 'results', 'baselines', 'ci-baseline'));

const svgWidth = (svg: string): number => Number(/^<svg[^>]*\swidth="([\d.]+)"/.exec(svg)?.[1]);

/** WCAG contrast ratio of two #rrggbb colours (1 = identical, 21 = black on white). */
function contrastRatio(a: string, b: string): number {
  const lum = (hex: string): number => {
    const [r, g, bl] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

type Spec = Record<string, unknown>;
const get = (spec: unknown, dotted: string): unknown => dotted.split('.').reduce<unknown>((o, k) => (o as Spec | undefined)?.[k], spec);

/** The baseline cut to its first `seeds` seeds (a real result set with fewer runs per cell). */
function withSeeds(data: ReportData, seeds: number): ReportData {
  const runs = data.runs.filter((r) => Number(r.seed) < seeds);
  const ids = new Set(runs.map((r) => r.run_id));
  return { ...data, runs, curves: data.curves.filter((c) => ids.has(c.run_id!)) };
}

describe('report figures on a real result set', () => {
  const figures = buildReport(baseline).sections.flatMap((s) => s.figures);

  it('every figure fits the report column and tells BN from no BN at high contrast', async () => {
    expect(figures.length).toBeGreaterThan(1);
    for (const f of figures) {
      const width = svgWidth(await specToSvg(f.spec));
      expect(width, f.name).toBeGreaterThan(200);
      expect(width, f.name).toBeLessThanOrEqual(REPORT_WIDTH);
    }
    const scale = get(figures[0]!.spec, 'spec.encoding.color.scale') ?? get(figures[0]!.spec, 'encoding.color.scale');
    const { domain, range } = scale as { domain: string[]; range: string[] };
    expect(domain).toEqual(['no BN', 'BN (before)']);
    expect(contrastRatio(range[0]!, range[1]!)).toBeGreaterThanOrEqual(4.5);
  });

  it('draws t bands with 4 seeds, and with 2 replaces them by means and says so in the subtitle', () => {
    const curve = (data: ReportData): Spec => buildReport(data).sections.flatMap((s) => s.figures).find((f) => f.name === 'curves-test_acc')!.spec as Spec;
    const four = curve(baseline);
    const lows = (spec: Spec): unknown[] => (get(spec, 'data.values') as Spec[]).map((v) => v.low);
    expect(lows(four).some((l) => typeof l === 'number')).toBe(true);
    expect(typeof four.title).toBe('string');
    const two = curve(withSeeds(baseline, 2));
    expect(lows(two).every((l) => l === null)).toBe(true);
    expect(get(two, 'title.subtitle')).toMatch(/fewer than 3 runs.*n = 2/);
  });

  it('titles axes in words from the column registry', () => {
    const yTitles = figures.map((f) => get(f.spec, 'spec.layer.1.encoding.y.title') ?? get(f.spec, 'layer.1.encoding.y.title'));
    expect(yTitles).toContain('test accuracy');
    expect(yTitles).toContain('train loss');
    const band = bandChart([{ panel: '', series: 'no BN', x: 0, mean: 0.3, low: null, high: null }], { title: 't', description: 'd', xTitle: 'step', yTitle: 'w1_prev', seriesTitle: 'batchNorm' });
    expect(get(band, 'layer.1.encoding.y.title')).toBe('W1 distance to the previous probe');
  });
});

describe('layout with many levels', () => {
  // The inference-mode figure's shape: 11 modes x 3 evaluation sets x 4 cells.
  const modes = ['default', 'population', 'adabn', ...Array.from({ length: 8 }, (_, i) => `batch${2 ** (i + 1)}-iid`)];
  const sets = ['train', 'test', 'shifted'];
  const cells = ['no BN depth=2', 'no BN depth=8', 'BN (before) depth=2', 'BN (before) depth=8'];
  const points: CiPoint[] = cells.flatMap((panel, c) =>
    sets.flatMap((x, s) => modes.map((series, m) => ({ panel, x, series, mean: 0.6 + 0.01 * (c + s + m), low: 0.55, high: 0.9, label: '', labelY: null }))),
  );
  const spec = ciPointsChart(points, { title: 'modes', description: 'd', xTitle: 'evaluation set', yTitle: 'final_test_acc', seriesTitle: 'inference mode', series: modes });

  it('gives 11 modes 11 distinct colours, dodges them at each x and wraps panels to fit the column', async () => {
    const range = get(spec, 'spec.encoding.color.scale.range') as string[];
    expect(new Set(range).size).toBe(modes.length);
    expect(get(spec, 'spec.encoding.xOffset.field')).toBe('series');
    expect(get(spec, 'columns')).toBeLessThan(cells.length);
    const width = svgWidth(await specToSvg(spec));
    expect(width).toBeLessThanOrEqual(REPORT_WIDTH);
    expect(width).toBeGreaterThan(REPORT_WIDTH / 2);
  });

  it.each([3, 9, 10, 18, 19, 40])('a palette for %d levels has that many distinct colours', (n) => {
    const levels = Array.from({ length: n }, (_, i) => `lr=${i}`);
    expect(new Set(palette(levels)).size).toBe(n);
    expect(new Set(palette(['no BN', ...levels])).size).toBe(n + 1);
  });

  it('uses a log axis where values span more than 20x (symlog with zeros), linear otherwise', () => {
    const drift = (bn: number[], plain: number[]): BandPoint[] => [
      ...bn.map((mean, i) => ({ panel: 'layer 1', series: 'BN (before)', x: i * 10, mean, low: null, high: null })),
      ...plain.map((mean, i) => ({ panel: 'layer 1', series: 'no BN', x: i * 10, mean, low: null, high: null })),
    ];
    const scaleOf = (pts: BandPoint[]): unknown =>
      get(bandChart(pts, { title: 't', description: 'd', xTitle: 'step', yTitle: 'w1_prev', seriesTitle: 'batchNorm' }), 'layer.1.encoding.y.scale');
    expect(scaleOf(drift([0.002, 0.003, 0.002], [0.1, 0.4, 0.2]))).toEqual({ type: 'log' });
    expect(scaleOf(drift([0, 0.001, 0], [0.1, 0.4, 0.2]))).toEqual({ type: 'symlog', constant: 0.001 });
    expect(scaleOf(drift([0.1, 0.12, 0.11], [0.1, 0.4, 0.2]))).toEqual({ zero: false });
  });
});
