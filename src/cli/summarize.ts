import path from 'node:path';
import { curveMetricColumns, runMetricColumns } from '../record/columns.js';
import { groupCells } from '../analysis/cells.js';
import { plural } from '../report/format.js';
import { curvesSummaryColumns, summarizeCurves, summarizeRuns, summaryColumns } from '../analysis/seed-summary.js';
import { evalEveryFrom } from '../analysis/metric-intervals.js';
import { Rng } from '../stats/rng.js';
import { writeCsv } from '../record/csv.js';
import { lockFolder } from '../record/lock.js';
import { readResultSet, resultsDirOf, type ResultSet } from '../record/result-set.js';

/** File name of the per-cell statistics over seeds. */
export const SUMMARY_CSV = 'summary.csv';
/** File name of the per-cell, per-step curve statistics. */
export const CURVES_SUMMARY_CSV = 'curves_summary.csv';
/** Seed of the bootstrap streams: fixed, so summaries are reproducible byte for byte. */
const BOOTSTRAP_SEED = 0;

/** Write summary.csv and curves_summary.csv of a result set into `outDir` (default: its own folder). */
export function writeSummaries(set: ResultSet | string, outDir?: string): { summary: string; curves: string } {
  const rs = typeof set === 'string' ? readResultSet(set) : set;
  const dir = outDir ?? rs.dir;
  const metrics = runMetricColumns(rs.runsColumns);
  const curveMetrics = curveMetricColumns(rs.curvesColumns);
  const rngFor = (cell: string, metric: string): Rng => Rng.derive(BOOTSTRAP_SEED, 'bootstrap', cell, metric);
  const summary = path.join(dir, SUMMARY_CSV);
  writeCsv(summary, summarizeRuns(rs.runs, rs.axes, metrics, rngFor, evalEveryFrom(rs.manifest)), summaryColumns(rs.axes, metrics));
  const curves = path.join(dir, CURVES_SUMMARY_CSV);
  writeCsv(curves, summarizeCurves(rs.runs, rs.curves, rs.axes, curveMetrics), curvesSummaryColumns(rs.axes, curveMetrics));
  return { summary, curves };
}

/** `bn-exp summarize <results>`: statistics over seeds per cell (and per step) as CSV; says what it found. */
export function summarizeCommand(results: string): void {
  const rs = readResultSet(results);
  const cells = groupCells(rs.runs, rs.axes);
  const seeds = [...new Set(cells.map((c) => c.runs.length))].sort((a, b) => a - b);
  const perCell = seeds.length === 1 ? plural(seeds[0]!, 'run') : `${seeds[0]}-${seeds.at(-1)} runs`;
  const notOk = rs.runs.filter((r) => r.status !== 'ok').length;
  const steps = new Set(rs.curves.map((c) => c.step)).size;
  console.log(
    `${rs.name}: ${plural(rs.runs.length, 'run')} in ${plural(cells.length, 'cell')} (${perCell} each` +
      `${rs.axes.length > 0 ? `; swept: ${rs.axes.join(', ')}` : ''})` +
      `${notOk > 0 ? `, ${notOk} diverged or failed` : ''}; ${plural(rs.curves.length, 'curve row')} at ${plural(steps, 'step')}`,
  );
  const release = lockFolder(resultsDirOf(results), { create: false }); // never beside a run still writing
  let written: { summary: string; curves: string };
  try {
    written = writeSummaries(rs);
  } finally {
    release();
  }
  const { summary, curves } = written;
  console.log(`wrote ${summary} (${plural(cells.length, 'row')}: statistics over seeds per cell)`);
  console.log(`wrote ${curves} (per cell and evaluation step)`);
}
