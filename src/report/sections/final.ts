import { columnLabel } from '../../record/columns.js';
import { okRuns } from '../../analysis/cells.js';
import { describeColumn } from '../../analysis/metric-intervals.js';
import { diffHeadline } from '../headline.js';
import { activeAxes, layoutOf, numOf, type ReportData } from '../data.js';
import { capitalize, fmtValue, plural, sentence } from '../format.js';
import type { Section } from '../section.js';
import { statsTable } from '../tables.js';
import { cellPoints, cellPointsChart } from './points.js';

/** Final metrics per cell against the swept axes; the answer is the contrast's difference in final test accuracy. */
export function finalSection(data: ReportData): Section | undefined {
  const metrics = ['final_test_acc', 'final_train_loss'].filter((m) => data.runsColumns.includes(m));
  const main = metrics[0];
  if (!main) return undefined;
  const layout = layoutOf(data);
  const figures = metrics.map((m) => ({
    name: `final-${m}`,
    caption:
      `${capitalize(columnLabel(m))} at the last evaluation: mean over the ok runs of each cell with its 95% t CI over seeds ` +
      `(no bar where only one run is left); a label counts the ok runs when some diverged or failed.`,
    spec: cellPointsChart(
      data.runs,
      cellPoints(data.runs, data.axes, m, layout, (c) => (c.ok < c.runs ? `${c.ok}/${c.runs} ok` : '')),
      m,
      layout,
      capitalize(columnLabel(m)),
    ),
  }));
  let clauses: string[];
  if (layout.contrast) {
    clauses = diffHeadline(data, layout.contrast, main, columnLabel(main), 'the table');
  } else {
    const d = describeColumn(okRuns(data.runs).map((r) => numOf(r[main])).filter(Number.isFinite), main);
    const ci = Number.isFinite(d.ci.low) ? `95% CI ${fmtValue(main, d.ci.low)} to ${fmtValue(main, d.ci.high)}, ` : 'no CI from a single run, ';
    clauses = [`${columnLabel(main)} was ${fmtValue(main, d.mean)} (${ci}${plural(d.n, 'run')})`];
  }
  return {
    id: 'final',
    title: 'Final metrics',
    answer: sentence(clauses),
    figures,
    table: statsTable(data.runs, activeAxes(data), metrics),
    notes: [],
  };
}
