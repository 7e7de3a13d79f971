import { okRuns } from '../../analysis/cells.js';
import { describeColumn } from '../../analysis/metric-intervals.js';
import { diffClause, perGroup, ratioClause } from '../clauses.js';
import { activeAxes, contrastOf, headlineGroups, hasValues, numOf, type ReportData } from '../data.js';
import { fmtValue, plural } from '../format.js';

/**
 * Clauses comparing a positive per-run summary (runs.csv) between the contrast's levels as a ratio, or
 * describing it over all runs when nothing is contrasted; [] when the column holds no value.
 */
export function ratioAnswer(data: ReportData, metric: string, what: string, less: string, more: string): string[] {
  if (!hasValues(data.runs, metric)) return [];
  const contrast = contrastOf(data);
  if (contrast) {
    const others = activeAxes(data).filter((a) => a !== contrast.axis);
    return perGroup(headlineGroups(data, contrast, metric, { log: true }), others, (g) => ratioClause(g, metric, what, less, more), 'the figures');
  }
  const d = describeColumn(okRuns(data.runs).map((r) => numOf(r[metric])).filter(Number.isFinite), metric);
  const ci = Number.isFinite(d.ci.low) ? `95% CI ${fmtValue(metric, d.ci.low)} to ${fmtValue(metric, d.ci.high)}, ` : 'no CI from a single run, ';
  return [`${what} was ${fmtValue(metric, d.mean)} (${ci}${plural(d.n, 'run')}); nothing is swept to compare it with`];
}

/** Clauses comparing a per-run summary between the contrast's levels as a difference (paired by seed); [] without values. */
export function diffAnswer(data: ReportData, metric: string, what: string): string[] {
  if (!hasValues(data.runs, metric)) return [];
  const contrast = contrastOf(data);
  if (contrast) {
    const others = activeAxes(data).filter((a) => a !== contrast.axis);
    return perGroup(headlineGroups(data, contrast, metric), others, (g) => diffClause(g, metric, what), 'the figures');
  }
  const d = describeColumn(okRuns(data.runs).map((r) => numOf(r[metric])).filter(Number.isFinite), metric);
  const ci = Number.isFinite(d.ci.low) ? `95% CI ${fmtValue(metric, d.ci.low)} to ${fmtValue(metric, d.ci.high)}, ` : 'no CI from a single run, ';
  return [`${what} was ${fmtValue(metric, d.mean)} (${ci}${plural(d.n, 'run')}); nothing is swept to compare it with`];
}
