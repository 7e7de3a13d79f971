import path from 'node:path';
import { curveMetricColumns, runMetricColumns } from '../record/columns.js';
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

/** `bn-exp summarize <results>`: statistics over seeds per cell (and per step) as CSV. */
export function summarizeCommand(results: string): void {
  const release = lockFolder(resultsDirOf(results), { create: false }); // never beside a run still writing
  let written: { summary: string; curves: string };
  try {
    written = writeSummaries(results);
  } finally {
    release();
  }
  const { summary, curves } = written;
  console.log(`wrote ${summary} and ${curves}`);
}
