import { runMetricColumns } from '../record/columns.js';
import { alignSets, type CompareGroup, type Comparison, compareGroups, levelGroups } from '../analysis/compare.js';
import { UsageError } from '../errors.js';
import { toCsv } from '../record/csv.js';
import { readResultSet } from '../record/result-set.js';
import { type CompareFormat, compareCsvColumns, compareRecords, renderJson, renderMarkdown, renderTable } from './compare-format.js';

/** Flags of `bn-exp compare`, as commander gives them. */
export interface CompareOptions {
  by?: string;
  all: boolean;
  format: CompareFormat;
  metric: string[];
  alpha: string;
}

/** `bn-exp compare <a> [b]`: B against A per cell and metric, or the levels of `--by <axis>` inside A. */
export function compareCommand(pathA: string, pathB: string | undefined, opts: CompareOptions): void {
  const alpha = Number(opts.alpha);
  if (!(alpha > 0 && alpha < 1)) throw new UsageError(`--alpha must be in (0, 1), got "${opts.alpha}"`);
  const a = readResultSet(pathA);
  let groups: CompareGroup[];
  let cellAxes: string[];
  let onlyA: string[] = [];
  let onlyB: string[] = [];
  let columns = a.runsColumns;
  if (opts.by !== undefined) {
    if (pathB !== undefined) throw new UsageError('--by compares the levels of an axis inside one result set: give one results folder');
    const r = levelGroups(a, opts.by);
    if (r.problems.length > 0) throw new UsageError(`${pathA}: ${r.problems.join('; ')}`);
    groups = r.groups;
    cellAxes = a.axes.filter((x) => x !== opts.by);
  } else {
    if (pathB === undefined) throw new UsageError('compare needs two results folders, or one with --by <axis>');
    const b = readResultSet(pathB);
    const r = alignSets(a, b, { a: pathA, b: pathB });
    if (r.problems.length > 0) throw new UsageError(`cannot compare ${pathA} with ${pathB}: ${r.problems.join('; ')}`);
    if (r.groups.length === 0) throw new UsageError(`${pathA} and ${pathB} have no config cell in common`);
    ({ groups, onlyA, onlyB } = r);
    cellAxes = a.axes;
    columns = columns.filter((c) => b.runsColumns.includes(c));
  }
  const available = runMetricColumns(columns);
  const unknown = opts.metric.filter((m) => !available.includes(m));
  if (unknown.length > 0) throw new UsageError(`unknown metric ${unknown.join(', ')}; available: ${available.join(', ')}`);
  const metrics = opts.metric.length > 0 ? opts.metric : available;
  const comp: Comparison = { cellAxes, rows: compareGroups(groups, metrics, { alpha }), onlyA, onlyB, alpha };
  process.stdout.write(render(comp, opts));
}

function render(comp: Comparison, opts: CompareOptions): string {
  switch (opts.format) {
    case 'table':
      return renderTable(comp, opts);
    case 'md':
      return renderMarkdown(comp, opts);
    case 'csv':
      return toCsv(compareRecords(comp), compareCsvColumns(comp), { header: true });
    case 'json':
      return renderJson(comp);
  }
}
