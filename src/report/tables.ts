import { columnLabel } from '../record/columns.js';
import { type CsvRow } from '../analysis/cells.js';
import { isStepsToColumn } from '../record/columns.js';
import { cellStats } from './data.js';
import { fmtValue } from './format.js';
import { axisName, valueLabel } from './labels.js';
import type { Table } from './section.js';

/** `87.4% [85.0%, 89.8%] (n=3)`; steps-to-target cells add how many ok runs never reached it. */
export function statCell(metric: string, s: { n: number; mean: number; ci: { low: number; high: number } }, ok: number): string {
  const never = isStepsToColumn(metric) && ok > s.n ? `, ${ok - s.n} never` : '';
  if (s.n === 0) return `-${never ? ` (${ok} never)` : ''}`;
  const ci = Number.isFinite(s.ci.low) ? ` [${fmtValue(metric, s.ci.low)}, ${fmtValue(metric, s.ci.high)}]` : '';
  return `${fmtValue(metric, s.mean)}${ci} (n=${s.n}${never})`;
}

/** One row per config cell: its values on `axes`, run counts, and mean [95% t CI] (n) of each metric. */
export function statsTable(runs: readonly CsvRow[], axes: readonly string[], metrics: readonly string[]): Table {
  const per = metrics.map((m) => cellStats(runs, axes, m));
  const cells = per[0] ?? cellStats(runs, axes, '');
  return {
    header: [...axes.map(axisName), 'runs', 'ok', 'diverged', ...metrics.map((m) => `${columnLabel(m)}: mean [95% CI] (n)`)],
    rows: cells.map((c, i) => [
      ...axes.map((a) => valueLabel(c.params[a] ?? '')),
      String(c.runs),
      String(c.ok),
      String(c.diverged),
      ...metrics.map((m, j) => statCell(m, per[j]![i]!.stats, c.ok)),
    ]),
  };
}
