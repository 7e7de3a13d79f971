import { type CsvRow, groupCells, num, okRuns } from '../../analysis/cells.js';
import { type Description, describe } from '../../stats/describe.js';
import { type CiPoint, ciPointsChart } from '../chart-points.js';
import { activeAxes, clipped, type ReportData } from '../data.js';
import { fmtDiff, fmtDiffCi, plural, sentence } from '../format.js';
import { cellText } from '../labels.js';
import type { Section } from '../section.js';

/** Name of the default inference mode: the plain `final_<set>_acc` columns (moving BN statistics). */
export const DEFAULT_MODE = 'moving averages';

/** `final_<set>_acc@<mode>` columns with values, as set and mode. */
export function modeColumns(data: Pick<ReportData, 'runs' | 'runsColumns'>): { column: string; split: string; mode: string }[] {
  return data.runsColumns
    .map((c) => ({ c, m: /^final_(.+)_acc@(.+)$/.exec(c) }))
    .filter((x): x is { c: string; m: RegExpExecArray } => x.m !== null && data.runs.some((r) => Number.isFinite(num(r[x.c]))))
    .map(({ c, m }) => ({ column: c, split: m[1]!, mode: m[2]! }));
}

/** Accuracy per inference mode (columns `final_<set>_acc@<mode>`) against the default, per evaluation set. */
export function modesSection(data: ReportData): Section | undefined {
  const cols = modeColumns(data);
  if (cols.length === 0) return undefined;
  const active = activeAxes(data);
  const splits = [...new Set(cols.map((c) => c.split))];
  const modes = [...new Set(cols.map((c) => c.mode))];
  const hasBase = (split: string): boolean => data.runsColumns.includes(`final_${split}_acc`);
  const series = [...(splits.some(hasBase) ? [DEFAULT_MODE] : []), ...modes];
  const points: CiPoint[] = [];
  let best: { split: string; mode: string; params: Record<string, string>; d: Description } | undefined;
  let compared = 0;
  for (const cell of groupCells(data.runs, data.axes)) {
    const ok = okRuns(cell.runs);
    const panel = cellText(cell.params, active) || 'all runs';
    const entries = [
      ...splits.filter(hasBase).map((split) => ({ column: `final_${split}_acc`, split, mode: DEFAULT_MODE })),
      ...cols,
    ];
    for (const e of entries) {
      const s = describe(ok.map((r) => num(r[e.column])).filter(Number.isFinite));
      if (s.n === 0) continue;
      points.push({ panel, x: e.split, series: e.mode, mean: s.mean, low: clipped(e.column, s.ci.low), high: clipped(e.column, s.ci.high), label: '', labelY: null });
      if (e.mode === DEFAULT_MODE || !hasBase(e.split)) continue;
      // Paired within each run: the same network evaluated two ways.
      const d = describe(ok.map((r: CsvRow) => num(r[e.column]) - num(r[`final_${e.split}_acc`])).filter(Number.isFinite));
      if (d.n === 0) continue;
      compared++;
      if (!best || Math.abs(d.mean) > Math.abs(best.d.mean)) best = { split: e.split, mode: e.mode, params: cell.params, d };
    }
  }
  const clauses: string[] = [];
  if (best) {
    const where = cellText(best.params, active, ', ');
    const ci = Number.isFinite(best.d.ci.low) ? `95% CI ${fmtDiffCi('x_acc', best.d.ci.low, best.d.ci.high)}, ` : 'no CI from a single run, ';
    clauses.push(
      `the largest effect of the inference mode was ${best.mode} on ${best.split}${where ? ` (${where})` : ''}: ${fmtDiff('x_acc', best.d.mean)} ` +
        `vs ${DEFAULT_MODE} (${ci}paired within ${plural(best.d.n, 'run')}; ${plural(compared, 'mode-set-cell comparison')} in all)`,
    );
  } else {
    clauses.push(`the runs were evaluated in ${plural(modes.length, 'inference mode')} (${modes.join(', ')}) but without the default columns to compare them with`);
  }
  return {
    id: 'modes',
    title: 'Accuracy per inference mode',
    answer: sentence(clauses),
    figures: [
      {
        name: 'modes-acc',
        caption:
          `Final accuracy of the same networks evaluated in each inference mode (${series.join(', ')}), per evaluation set: mean over seeds with ` +
          'its 95% t CI. Without BN every mode gives the same network, so differences there are zero.',
        spec: ciPointsChart(points, {
          title: 'Accuracy per inference mode',
          description: 'final_<set>_acc@<mode> per config cell from runs.csv',
          xTitle: 'evaluation set',
          yTitle: 'final accuracy',
          seriesTitle: 'inference mode',
          xOrder: splits,
          series,
        }),
      },
    ],
    notes: [],
  };
}
