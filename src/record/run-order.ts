import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type RawCsv, splitCsv } from './csv-records.js';
import { RUNS_CSV, writeFileAtomic } from './results.js';

// Rows of a results folder are appended as runs finish (completion order with --workers, and resumed
// runs after the earlier ones), so a crash loses only runs in flight. Once every run of the sweep (or
// shard) is committed, the files are rewritten in run-list order, so the finished folder is the same
// whatever the number of workers, interruptions or shards. Records are moved as their exact text.

/** The run-keyed CSV files of a results folder: runs.csv first, then every other `.csv` with a `run_id` column. */
export function runKeyedCsvs(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const others = readdirSync(dir)
    .filter((f) => f.endsWith('.csv') && f !== RUNS_CSV)
    .filter((f) => firstLine(join(dir, f)).split(',').includes('run_id'))
    .sort();
  return existsSync(join(dir, RUNS_CSV)) ? [RUNS_CSV, ...others] : others;
}

function firstLine(path: string): string {
  const text = readFileSync(path, 'utf8');
  const end = text.indexOf('\n');
  return (end < 0 ? text : text.slice(0, end)).replace(/^\uFEFF/, '').trim();
}

/** Records of a run-keyed CSV grouped by run id, each group in file order (pure). */
export function groupByRun(csv: RawCsv): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const r of csv.records) {
    const id = r.cells.run_id ?? '';
    const group = groups.get(id);
    if (group) group.push(r.text);
    else groups.set(id, [r.text]);
  }
  return groups;
}

/**
 * The text of a run-keyed CSV with its records in the order of `order` (run ids), stable within a run
 * (pure). Records of runs not in `order` follow, in file order.
 */
export function orderedCsvText(csv: RawCsv, order: readonly string[]): string {
  const groups = groupByRun(csv);
  const parts = [csv.headerText];
  for (const id of order) parts.push(...(groups.get(id) ?? []));
  const known = new Set(order);
  for (const r of csv.records) if (!known.has(r.cells.run_id ?? '')) parts.push(r.text);
  return parts.join('');
}

/** Rewrite (atomically) each run-keyed CSV of `dir` whose records are not in run-list order; returns the files rewritten. */
export function reorderResults(dir: string, order: readonly string[]): string[] {
  const rewritten: string[] = [];
  for (const f of runKeyedCsvs(dir)) {
    const path = join(dir, f);
    const text = readFileSync(path, 'utf8');
    const sorted = orderedCsvText(splitCsv(text, path), order);
    if (sorted !== text) {
      writeFileAtomic(path, sorted);
      rewritten.push(f);
    }
  }
  return rewritten;
}
