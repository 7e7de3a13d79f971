import type { ResultTables } from '../analysis/cells.js';
import { isPlainObject } from '../config/paths.js';

/** The value at a dotted path of a config object, or undefined. */
function valueAt(config: unknown, path: string): unknown {
  let node = config;
  for (const key of path.split('.')) node = isPlainObject(node) ? node[key] : undefined;
  return node;
}

/** How runs.csv writes a swept value (strings bare, everything else as JSON). */
const asCell = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/**
 * Align a baseline to results that fix an axis the baseline sweeps (`--set train.learningRate=0.01` on a
 * config that sweeps it): the baseline keeps only its runs at the fixed value or, when it never ran that
 * value, at its nearest level (numbers) or first level, and that axis is dropped. The results are then
 * checked cell by cell as usual; the returned notes say which level they were compared with.
 */
export function alignFixedAxes<T extends ResultTables>(baseline: T, results: ResultTables, config: unknown): { baseline: T; notes: string[] } {
  const fixed = baseline.axes.filter((a) => !results.axes.includes(a));
  if (fixed.length === 0 || !results.axes.every((a) => baseline.axes.includes(a))) return { baseline, notes: [] };
  let runs = baseline.runs;
  const notes: string[] = [];
  for (const axis of fixed) {
    const value = valueAt(config, axis);
    if (value === undefined) return { baseline, notes: [] }; // no config to read the fixed value from: a different sweep
    const levels = [...new Set(runs.map((r) => r[axis] ?? ''))];
    const want = asCell(value);
    let level = levels.find((l) => l === want || (l !== '' && Number(l) === Number(want)));
    let how = 'the same value';
    if (level === undefined) {
      const numeric = typeof value === 'number' && levels.every((l) => Number.isFinite(Number(l)));
      level = numeric ? levels.reduce((a, b) => (Math.abs(Number(b) - value) < Math.abs(Number(a) - value) ? b : a)) : levels[0]!;
      how = `the baseline never ran ${want}; ${numeric ? 'nearest' : 'first'} level`;
    }
    runs = runs.filter((r) => r[axis] === level);
    notes.push(`the results fix ${axis}=${want}, the baseline sweeps it (${levels.join(', ')}): compared with its ${axis}=${level} cells (${how})`);
  }
  const kept = new Set(runs.map((r) => r.run_id));
  const axes = baseline.axes.filter((a) => !fixed.includes(a));
  return { baseline: { ...baseline, axes, runs, curves: baseline.curves.filter((c) => kept.has(c.run_id)) }, notes };
}
