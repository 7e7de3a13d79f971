import { columnLabel, columnRange } from '../../record/columns.js';
import { okRuns } from '../../analysis/cells.js';
import { summarizeCurves, type SummaryRow } from '../../analysis/seed-summary.js';
import { describeColumn } from '../../analysis/metric-intervals.js';
import { type BandPoint, bandChart } from '../chart-band.js';
import { diffHeadline } from '../headline.js';
import { activeAxes, clipped, type Contrast, contrastOf, numOf, type ReportData, seriesOf, seriesOrder } from '../data.js';
import { capitalize, fmtValue, plural, sentence } from '../format.js';
import { axisName, cellText,  } from '../labels.js';
import type { Figure, Section } from '../section.js';

/** Band points of one curve metric from curves_summary rows (mean and t CI over the ok runs at each step). */
export function curvePoints(
  rows: readonly SummaryRow[],
  metric: string,
  axes: readonly string[],
  contrast: Contrast | undefined,
  panelAxes: readonly string[],
): BandPoint[] {
  return rows
    .map((r) => {
      const params = Object.fromEntries(axes.map((a) => [a, String(r[a] ?? '')]));
      return {
        panel: cellText(params, panelAxes),
        series: seriesOf(params, contrast),
        x: numOf(r.step),
        mean: numOf(r[`${metric}_mean`]),
        low: clipped(metric, numOf(r[`${metric}_ci_low`])),
        high: clipped(metric, numOf(r[`${metric}_ci_high`])),
        n: numOf(r[`${metric}_n`]),
      };
    })
    .filter((p) => Number.isFinite(p.mean));
}

/** Convergence curves per cell: mean test accuracy and train loss over steps with a CI band over seeds. */
export function convergenceSection(data: ReportData): Section | undefined {
  const metrics = ['test_acc', 'train_loss'].filter((m) => data.curvesColumns.includes(m));
  if (data.curves.length === 0 || metrics.length === 0) return undefined;
  const contrast = contrastOf(data);
  const others = activeAxes(data).filter((a) => a !== contrast?.axis);
  const rows = summarizeCurves(data.runs, data.curves, data.axes, metrics);
  const notOk = data.runs.length - okRuns(data.runs).length;
  const figures: Figure[] = metrics.map((m) => ({
    name: `curves-${m}`,
    caption:
      `Mean ${columnLabel(m)} over the seeds of each cell at each evaluation (inference mode); shaded: 95% t CI of the mean ` +
      `over seeds (absent where fewer than 3 runs are left, as a t band from 2 would swamp the panel; clipped to ${rangeText(m)}).` +
      (notOk > 0 ? ` ${plural(notOk, 'run')} that diverged or failed ${notOk === 1 ? 'is' : 'are'} left out.` : ''),
    spec: bandChart(curvePoints(rows, m, data.axes, contrast, others), {
      title: `${capitalize(columnLabel(m))} during training`,
      description: `curves of ${m} per config cell`,
      xTitle: 'step',
      yTitle: columnLabel(m),
      seriesTitle: contrast ? axisName(contrast.axis) : 'runs',
      series: seriesOrder(contrast),
    }),
  }));
  const auc = data.runsColumns.includes('auc_train_loss') ? 'auc_train_loss' : 'final_train_loss';
  const what = auc === 'auc_train_loss' ? 'the time-averaged train loss' : 'the final train loss';
  let clauses: string[];
  if (contrast) {
    clauses = diffHeadline(data, contrast, auc, what, 'the figures');
  } else {
    const d = describeColumn(okRuns(data.runs).map((r) => numOf(r[auc])).filter(Number.isFinite), auc);
    const ci = Number.isFinite(d.ci.low) ? `95% CI ${fmtValue(auc, d.ci.low)} to ${fmtValue(auc, d.ci.high)}, ` : 'no CI from a single run, ';
    clauses = [`${what} was ${fmtValue(auc, d.mean)} (${ci}${plural(d.n, 'run')})${notOk > 0 ? `; ${notOk} of ${data.runs.length} runs diverged or failed` : ''}`];
  }
  return {
    id: 'convergence',
    title: 'Convergence curves',
    answer: sentence(clauses),
    figures,
    notes:
      auc === 'auc_train_loss'
        ? ['Time-averaged train loss: the area under the train-loss curve divided by the steps (auc_train_loss in runs.csv); lower means the loss came down sooner.']
        : [],
  };
}

/** A metric's range in words: '[0, 1]', '>= 0'. */
function rangeText(metric: string): string {
  const [low, high] = columnRange(metric);
  return Number.isFinite(high) ? `[${low}, ${high}]` : `>= ${low}`;
}
