import { type CsvRow, groupCells, num, okRuns } from '../../analysis/cells.js';
import type { Description } from '../../stats/describe.js';
import { describeColumn } from '../../analysis/metric-intervals.js';
import { differenceRange } from '../../stats/range-interval.js';
import { type CiPoint, ciPointsChart } from '../chart-points.js';
import { columnInfo, columnRange, finalColumn } from '../../record/columns.js';
import { activeAxes, clipped, configValue, type ReportData } from '../data.js';
import { fmtDiff, fmtDiffCi, plural, sentence } from '../format.js';
import { BN_AXIS, cellText } from '../labels.js';
import type { Section } from '../section.js';

/** Name of the default inference mode: the plain `final_<set>_acc` columns (moving BN statistics). */
export const DEFAULT_MODE = 'moving averages';

/** `final_<set>_acc@<mode>` columns with values, as set and mode (what a column is comes from the column registry). */
export function modeColumns(data: Pick<ReportData, 'runs' | 'runsColumns'>): { column: string; split: string; mode: string }[] {
  return data.runsColumns.flatMap((c) => {
    const info = columnInfo(c);
    if (info?.kind !== 'accuracy' || info.mode === undefined || info.split === undefined) return [];
    if (c !== finalColumn(`${info.split}@${info.mode}`, 'acc') || !data.runs.some((r) => Number.isFinite(num(r[c])))) return [];
    return [{ column: c, split: info.split, mode: info.mode }];
  });
}

/** The inference mode that re-estimates BN statistics on each evaluation set (AdaBN). */
const ADABN = 'adabn';

/** A cell's BN setting: its swept value, else the config's (`off` when neither says). */
function bnOf(params: Record<string, string>, config: Record<string, unknown>): string {
  return params[BN_AXIS] ?? String(configValue(config, BN_AXIS) ?? 'off');
}

/**
 * Does AdaBN give back what a shift cost? Per BN cell and shifted set: AdaBN minus the moving statistics on
 * that set, paired within each run, against the cost of the shift (clean test minus shifted, moving). "Restored"
 * is said only when the whole 95% CI of the gain is above 0; otherwise the sentence says what was measured.
 */
export function adabnClauses(data: ReportData): { clauses: string[]; restored: string[] } {
  const active = activeAxes(data);
  const clauses: string[] = [];
  const restored: string[] = [];
  const sets = modeColumns(data).filter((c) => c.mode === ADABN && c.split !== 'train' && c.split !== 'test');
  for (const { column, split } of sets) {
    const moving = finalColumn(split, 'acc');
    if (!data.runsColumns.includes(moving) || !data.runsColumns.includes('final_test_acc')) continue;
    for (const cell of groupCells(data.runs, data.axes)) {
      if (bnOf(cell.params, data.config) === 'off') continue;
      const ok = okRuns(cell.runs);
      const gain = describeColumn(ok.map((r) => num(r[column]) - num(r[moving])).filter(Number.isFinite), column, differenceRange(columnRange(column)));
      const cost = describeColumn(ok.map((r) => num(r.final_test_acc) - num(r[moving])).filter(Number.isFinite), column, differenceRange(columnRange(column)));
      if (gain.n === 0) continue;
      const where = cellText(cell.params, active, ', ');
      const on = `on ${split}${where ? ` (${where})` : ''}`;
      const ci = Number.isFinite(gain.ci.low) ? `95% CI ${fmtDiffCi(column, gain.ci.low, gain.ci.high)}, ` : 'no CI from a single run, ';
      const paired = `${ci}paired within ${plural(gain.n, 'run')}`;
      if (gain.ci.low > 0) {
        restored.push(split);
        const of = cost.mean > 0 ? ` of the ${fmtDiff(column, cost.mean).slice(1)} the shift cost` : '';
        clauses.push(`AdaBN restored ${fmtDiff(column, gain.mean).slice(1)}${of} ${on} (${paired})`);
      } else if (gain.ci.high < 0) {
        clauses.push(`AdaBN lowered the accuracy ${on} by ${fmtDiff(column, -gain.mean).slice(1)} vs the moving statistics (${paired})`);
      } else {
        clauses.push(`AdaBN did not measurably change the accuracy ${on}: ${fmtDiff(column, gain.mean)} vs the moving statistics (${paired})`);
      }
    }
  }
  return { clauses, restored: [...new Set(restored)] };
}

/** True when every no-BN run scored exactly the default in every mode (so the caption may say modes do not matter there). */
function noBnIdentical(data: ReportData, cols: readonly { column: string; split: string }[]): boolean | undefined {
  const runs = okRuns(data.runs.filter((r) => bnOf(r, data.config) === 'off'));
  const pairs = runs.flatMap((r) => cols.map((c) => [num(r[c.column]), num(r[finalColumn(c.split, 'acc')])] as const)).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  if (pairs.length === 0) return undefined;
  return pairs.every(([x, y]) => x === y);
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
      const s = describeColumn(ok.map((r) => num(r[e.column])).filter(Number.isFinite), e.column);
      if (s.n === 0) continue;
      points.push({ panel, x: e.split, series: e.mode, mean: s.mean, low: clipped(e.column, s.ci.low), high: clipped(e.column, s.ci.high), label: '', labelY: null });
      if (e.mode === DEFAULT_MODE || !hasBase(e.split)) continue;
      // Paired within each run: the same network evaluated two ways.
      const d = describeColumn(ok.map((r: CsvRow) => num(r[e.column]) - num(r[`final_${e.split}_acc`])).filter(Number.isFinite), e.column, differenceRange(columnRange(e.column)));
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
  const adabn = adabnClauses(data);
  clauses.push(...adabn.clauses);
  const same = noBnIdentical(data, cols);
  const readings = [
    same === true ? 'Without BN every mode gives the same network: in the no-BN runs every mode scored exactly the default.' : '',
    adabn.restored.length > 0
      ? `AdaBN (statistics re-estimated on each evaluation set) restored accuracy lost to the shift on ${adabn.restored.join(', ')}: the whole 95% CI of its gain over the moving statistics is above 0.`
      : '',
  ].filter(Boolean);
  return {
    id: 'modes',
    title: 'Accuracy per inference mode',
    answer: sentence(clauses),
    figures: [
      {
        name: 'modes-acc',
        caption:
          `Final accuracy of the same networks evaluated in each inference mode (${series.join(', ')}), per evaluation set: mean over seeds with ` +
          `its 95% t CI.${readings.map((t) => ` ${t}`).join('')}`,
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
