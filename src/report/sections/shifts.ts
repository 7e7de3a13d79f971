import { compareMetric } from '../../analysis/compare.js';
import { type CsvRow, groupCells, num, okRuns } from '../../analysis/cells.js';
import { type Description, describe } from '../../stats/describe.js';
import type { CiPoint } from '../chart-points.js';
import { ciPointsChart } from '../chart-points.js';
import { seedsText } from '../clauses.js';
import { activeAxes, clipped, contrastGroups, contrastOf, hasValues, type ReportData, seriesOf, seriesOrder } from '../data.js';
import { fmtDiff, fmtDiffCi, plural, sentence } from '../format.js';
import { axisName, cellText, valueLabel } from '../labels.js';
import type { Section, Table } from '../section.js';
import { statCell } from '../tables.js';
import { shiftRelations, shiftRelationText } from './shift-relation.js';

/** The shifted evaluation sets of runs.csv: `final_<name>_acc` columns other than train/test (no inference-mode suffix). */
export function shiftSplits(data: Pick<ReportData, 'runs' | 'runsColumns'>): string[] {
  return data.runsColumns
    .map((c) => /^final_(.+)_acc$/.exec(c)?.[1])
    .filter((s): s is string => s !== undefined && s !== 'train' && s !== 'test' && hasValues(data.runs, `final_${s}_acc`));
}

/** Per ok run of a cell with both values: clean test accuracy minus accuracy on the shifted set. */
function drops(runs: readonly CsvRow[], split: string): Description {
  const ds = okRuns(runs)
    .map((r) => num(r.final_test_acc) - num(r[`final_${split}_acc`]))
    .filter(Number.isFinite);
  return describe(ds);
}

/** Accuracy on each shifted evaluation set against the clean test set, BN vs no BN, with each shift's family. */
export function shiftsSection(data: ReportData): Section | undefined {
  const splits = shiftSplits(data);
  if (splits.length === 0) return undefined;
  const active = activeAxes(data);
  const contrast = contrastOf(data);
  const panels = active.filter((a) => a !== contrast?.axis);
  const family = new Map(data.shifts.map((r) => [r.shift ?? '', r.family ?? '']));
  const points: CiPoint[] = [];
  const table: Table = { header: [...active.map(axisName), 'set', 'family', 'accuracy: mean [95% CI] (n)', 'change from test: mean [95% CI] (n)'], rows: [] };
  let worst: { split: string; params: Record<string, string>; d: Description; runs: CsvRow[] } | undefined;
  let measured = 0;
  const dropMeans: number[] = [];
  for (const cell of groupCells(data.runs, data.axes)) {
    for (const split of ['test', ...splits]) {
      const col = `final_${split}_acc`;
      const s = describe(okRuns(cell.runs).map((r) => num(r[col])).filter(Number.isFinite));
      if (s.n === 0) continue;
      const fin = (x: number): number | null => clipped(col, x);
      points.push({
        panel: cellText(cell.params, panels),
        x: split,
        series: seriesOf(cell.params, contrast),
        mean: s.mean,
        low: fin(s.ci.low),
        high: fin(s.ci.high),
        label: '',
        labelY: null,
      });
      const d = split === 'test' ? undefined : drops(cell.runs, split);
      table.rows.push([
        ...active.map((a) => valueLabel(cell.params[a] ?? '')),
        split,
        split === 'test' ? 'clean' : (family.get(split) ?? ''),
        statCell(col, s, s.n),
        d ? `${fmtDiff('x_acc', -d.mean)}${Number.isFinite(d.ci.low) ? ` [${fmtDiffCi('x_acc', -d.ci.high, -d.ci.low)}]` : ''} (n=${d.n})` : '',
      ]);
      if (d && d.n > 0) {
        measured++;
        dropMeans.push(d.mean);
        if (!worst || d.mean > worst.d.mean) worst = { split, params: cell.params, d, runs: cell.runs };
      }
    }
  }
  const clauses: string[] = [];
  if (worst) {
    const fam = family.get(worst.split);
    const where = cellText(worst.params, active, ', ');
    const context = [fam ? `${fam} shift` : '', where].filter(Boolean).join('; ');
    const ci = Number.isFinite(worst.d.ci.low) ? `95% CI ${fmtDiffCi('x_acc', -worst.d.ci.high, -worst.d.ci.low)}, ` : 'no CI from a single run, ';
    clauses.push(
      `over ${plural(splits.length, 'shifted set')} (${plural(measured, 'set-cell pair')}), accuracy changed by ${fmtDiff('x_acc', -Math.max(...dropMeans))} ` +
        `to ${fmtDiff('x_acc', -Math.min(...dropMeans))} from the clean test accuracy; the largest drop was on ${worst.split}${context ? ` (${context})` : ''}: ${fmtDiff('x_acc', -worst.d.mean)} (${ci}${plural(worst.d.n, 'run')})`,
    );
    if (contrast) {
      const col = `final_${worst.split}_acc`;
      const g = contrastGroups(data, contrast).find((x) => Object.entries(x.cell).every(([k, v]) => k === contrast.axis || worst!.params[k] === v));
      if (g) {
        const { test: t } = compareMetric(g, col);
        if (t.nA > 0 && t.nB > 0) {
          const tci = Number.isFinite(t.ci.low) ? `95% CI ${fmtDiffCi(col, t.ci.low, t.ci.high)}` : 'no CI from a single seed';
          clauses.push(`on that set ${g.labelB} scored ${fmtDiff(col, t.diff)} vs ${g.labelA} (${tci}, ${seedsText(t.kind, t.nA, t.nB)})`);
        }
      }
    }
  }
  const relation = shiftRelationText(shiftRelations(data, splits, contrast));
  if (relation.clause) clauses.push(relation.clause);
  return {
    id: 'shifts',
    title: 'Accuracy under distribution shift',
    answer: sentence(clauses),
    figures: [
      {
        name: 'shifts-acc',
        caption:
          'Final accuracy on the clean test set and on each shifted evaluation set (inference mode, moving BN statistics): mean over seeds ' +
          'with its 95% t CI. Nuisance shifts keep each example\'s label; covariate shifts relabel new inputs with the same teacher. ' +
          'How the drop relates to the measured size of each shift (mean change, std ratio, shape W1, MMD²) is stated in the answer and the notes.',
        spec: ciPointsChart(points, {
          title: 'Accuracy on shifted evaluation sets',
          description: 'final_<set>_acc per config cell from runs.csv',
          xTitle: 'evaluation set',
          yTitle: 'final accuracy',
          seriesTitle: contrast ? axisName(contrast.axis) : 'runs',
          xOrder: ['test', ...splits],
          series: seriesOrder(contrast),
          independentX: true,
        }),
      },
    ],
    table,
    notes: relation.notes,
  };
}
