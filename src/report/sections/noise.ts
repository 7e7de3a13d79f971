import { type CsvRow, num } from '../../analysis/cells.js';
import { type CiPoint, ciPointsChart } from '../chart-points.js';
import { MAX_CLAUSES } from '../clauses.js';
import { activeAxes, cellStats, configValue, contrastOf, hasValues, type ReportData, seriesOf } from '../data.js';
import { plural, sentence, sig } from '../format.js';
import { cellPhrase, cellText } from '../labels.js';
import type { Section } from '../section.js';
import { statsTable } from '../tables.js';
import { BATCH_AXIS } from './gap.js';

/** The batch size m of a run: its swept value, else the config's train.batchSize. */
function batchOf(run: Record<string, string>, data: ReportData): number {
  const swept = num(run[BATCH_AXIS]);
  return Number.isFinite(swept) ? swept : Number(configValue(data.config, BATCH_AXIS));
}

/**
 * BN noise: the measured std of the batch mean (mu_B - mu)/sigma over batches of the training batch size m,
 * against its sampling-theory prediction, 1/sqrt(m) (docs/science.md#bn-noise).
 */
export function noiseSection(data: ReportData): Section | undefined {
  if (!hasValues(data.runs, 'bn_noise_mean')) return undefined;
  const active = activeAxes(data);
  const contrast = contrastOf(data);
  const colour = contrast?.axis === BATCH_AXIS ? undefined : contrast;
  const panels = active.filter((a) => a !== BATCH_AXIS && a !== colour?.axis);
  const measured = cellStats(data.runs, data.axes, 'bn_noise_mean');
  const predicted = cellStats(data.runs, data.axes, 'bn_noise_pred');
  const points: CiPoint[] = [];
  const clauses: string[] = [];
  const ratios: number[] = [];
  measured.forEach((c, i) => {
    if (c.stats.n === 0) return;
    const m = batchOf(c.params, data);
    const pred = predicted[i]!.stats.mean;
    const s = c.stats;
    const fin = (x: number): number | null => (Number.isFinite(x) ? x : null);
    const panel = cellText(c.params, panels);
    points.push({ panel, x: String(m), series: `measured, ${seriesOf(c.params, colour)}`, mean: s.mean, low: fin(s.ci.low), high: fin(s.ci.high), label: '', labelY: null });
    points.push({ panel, x: String(m), series: 'predicted', mean: fin(pred), low: null, high: null, label: '', labelY: null });
    ratios.push(s.mean / pred);
    if (clauses.length < MAX_CLAUSES) {
      const where = cellPhrase(c.params, active.filter((a) => a !== BATCH_AXIS));
      const ci = Number.isFinite(s.ci.low) ? `95% CI ${sig(s.ci.low)}-${sig(s.ci.high)}, ` : 'no CI from a single seed, ';
      clauses.push(
        `at batch size ${m}${where ? ` ${where}` : ''}, the measured noise of the BN batch mean was ${sig(s.mean)} (${ci}${plural(s.n, 'seed')}) ` +
          `vs the predicted ${sig(pred)} (1/sqrt(m) = ${sig(1 / Math.sqrt(m))}), ${sig(s.mean / pred)}x the prediction`,
      );
    }
  });
  if (measured.filter((c) => c.stats.n > 0).length > MAX_CLAUSES) {
    clauses.push(`over all ${plural(ratios.length, 'cell')} measured/predicted ranged ${sig(Math.min(...ratios))}-${sig(Math.max(...ratios))}`);
  }
  const xs = [...new Set(points.map((p) => Number(p.x)))].sort((a, b) => a - b).map(String);
  const series = [...new Set(points.map((p) => p.series))];
  return {
    id: 'noise',
    title: 'BN noise vs 1/sqrt(m)',
    answer: sentence(clauses),
    figures: [
      {
        name: 'noise-batch-size',
        caption:
          'Measured BN noise: the std over disjoint probe-set chunks of the training batch size m of (mu_B - mu)/sigma, each chunk normalized ' +
          'with its own statistics upstream as in training, root mean square over units, mean over BN layers and probes (bn_noise_mean), with its ' +
          '95% t CI over seeds; predicted: 1/sqrt(m), exact in expectation for i.i.d. inputs at the first BN layer (deeper layers see less).',
        spec: ciPointsChart(points, {
          title: 'BN noise of the batch mean vs batch size',
          description: 'bn_noise_mean and bn_noise_pred per cell from runs.csv',
          xTitle: 'batch size m',
          yTitle: 'std of (mu_B - mu)/sigma',
          seriesTitle: 'noise',
          xOrder: xs,
          series,
          yZero: true,
        }),
      },
    ],
    table: statsTable(
      data.runs.filter((r: CsvRow) => Number.isFinite(num(r.bn_noise_mean))),
      active,
      ['bn_noise_mean', 'bn_noise_pred'],
    ),
    notes: [],
  };
}
