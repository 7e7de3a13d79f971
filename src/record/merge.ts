import { UsageError } from '../errors.js';
import type { RawCsv } from './csv-records.js';
import { dataMismatch, experimentMismatch, type ManifestInfo } from './manifest-info.js';
import { checkResultRows } from './result-check.js';
import { CURVES_CSV, RUNS_CSV } from './results.js';
import { groupByRun } from './run-order.js';

// `bn-exp merge`: the pure half. Shard folders are checked to describe one experiment, each run of the
// run list is taken from the one folder that committed it (runs.csv row present), and the merged files
// list the runs in run-list order, each record copied as its exact text.

/** One shard folder as read from disk: its manifest and its run-keyed CSV files by name (runs.csv included). */
export interface ShardFolder {
  dir: string;
  info: ManifestInfo;
  files: Map<string, RawCsv>;
}

/** A run committed by more than one folder. */
export interface Duplicate {
  id: string;
  index: number;
  dirs: string[];
  /** Same rows everywhere (timing columns aside): harmless, e.g. a retried shard. */
  identical: boolean;
}

/** What merging would do, before anything is written. */
export interface MergePlan {
  /** The experiment's whole run list, in order. */
  runs: { id: string; index: number }[];
  /** Run id -> position in the folder list of the folder it is taken from. */
  source: Map<string, number>;
  missing: { id: string; index: number }[];
  duplicates: Duplicate[];
  /** File names to write, runs.csv first. */
  files: string[];
  warnings: string[];
}

/**
 * Check one shard folder before anything is merged: runs.csv and curves.csv present, the swept columns
 * there, and their rows valid (see result-check.ts). Curve rows of runs that never committed are allowed
 * only in an unfinished folder (`finished` false): they are the rows of the run in flight at a kill.
 */
export function checkShard(folder: ShardFolder, finished: boolean): void {
  const runs = folder.files.get(RUNS_CSV);
  const curves = folder.files.get(CURVES_CSV);
  const at = (f: string): string => `${folder.dir}/${f}`;
  if (runs === undefined) throw new UsageError(`${at(RUNS_CSV)}: missing (not a result set, or it never started)`);
  if (curves === undefined) throw new UsageError(`${at(CURVES_CSV)}: missing; the folder is damaged, so it cannot be merged`);
  const absent = folder.info.axes.filter((a) => !runs.columns.includes(a));
  if (absent.length > 0) throw new UsageError(`${at(RUNS_CSV)}: swept columns missing: ${absent.join(', ')} (the manifest sweeps them)`);
  checkResultRows(
    folder.dir,
    { file: at(RUNS_CSV), columns: runs.columns, rows: runs.records.map((r) => r.cells) },
    { file: at(CURVES_CSV), columns: curves.columns, rows: curves.records.map((r) => r.cells) },
    folder.info.axes,
    { orphansAllowed: !finished },
  );
}

/** Columns whose values legitimately differ between two executions of the same run. */
const TIMING_COLUMNS = new Set(['wall_s']);

/** A run's records in one folder, timing columns blanked, as one comparable string. */
function fingerprint(folder: ShardFolder, id: string): string {
  const parts: string[] = [];
  for (const [name, csv] of [...folder.files].sort(([a], [b]) => a.localeCompare(b))) {
    for (const r of csv.records) {
      if (r.cells.run_id !== id) continue;
      const cells = Object.entries(r.cells).filter(([c]) => !TIMING_COLUMNS.has(c));
      parts.push(`${name}:${JSON.stringify(cells)}`);
    }
  }
  return parts.join('\n');
}

/**
 * Check that the folders hold one experiment with the same file columns, then choose a folder for each
 * run (pure). Throws UsageError for folders of different experiments, different columns, or a run two
 * folders hold with different results.
 */
export function planMerge(folders: readonly ShardFolder[]): MergePlan {
  const first = folders[0];
  if (first === undefined) throw new UsageError('merge: no folders given');
  const warnings: string[] = [];
  for (const f of folders.slice(1)) {
    const why = experimentMismatch(first.info, f.info) ?? dataMismatch(first.info, f.info);
    if (why !== undefined) throw new UsageError(`${f.dir} and ${first.dir} are not shards of one experiment: ${why}.`);
  }
  const backends = [...new Set(folders.map((f) => f.info.backend))];
  if (backends.length > 1) warnings.push(`the folders ran on different backends (${backends.join(', ')}): numbers may differ in the last digits`);

  const files: string[] = [];
  const headerOf = new Map<string, { dir: string; header: string }>();
  for (const f of folders) {
    if (!f.files.has(RUNS_CSV)) throw new UsageError(`${f.dir}: no ${RUNS_CSV} (not a result set, or it never committed a run)`);
    for (const [name, csv] of f.files) {
      const seen = headerOf.get(name);
      if (seen === undefined) {
        headerOf.set(name, { dir: f.dir, header: csv.headerText });
        files.push(name);
      } else if (seen.header !== csv.headerText) {
        throw new UsageError(`${f.dir}/${name} and ${seen.dir}/${name} have different columns; cannot merge them.`);
      }
    }
  }
  files.sort((a, b) => (a === RUNS_CSV ? -1 : b === RUNS_CSV ? 1 : a.localeCompare(b)));

  const holders = new Map<string, number[]>();
  folders.forEach((f, k) => {
    for (const id of groupByRun(f.files.get(RUNS_CSV)!).keys()) holders.set(id, [...(holders.get(id) ?? []), k]);
  });
  const runs = first.info.runs;
  const known = new Set(runs.map((r) => r.id));
  for (const id of holders.keys()) {
    if (!known.has(id)) throw new UsageError(`run ${id} in ${folders[holders.get(id)![0]!]!.dir} is not in the experiment's run list.`);
  }
  const source = new Map<string, number>();
  const missing: MergePlan['missing'] = [];
  const duplicates: Duplicate[] = [];
  for (const run of runs) {
    const ks = holders.get(run.id) ?? [];
    if (ks.length === 0) {
      missing.push(run);
      continue;
    }
    source.set(run.id, ks[0]!);
    if (ks.length > 1) {
      const prints = ks.map((k) => fingerprint(folders[k]!, run.id));
      duplicates.push({ ...run, dirs: ks.map((k) => folders[k]!.dir), identical: prints.every((p) => p === prints[0]) });
    }
  }
  const conflicts = duplicates.filter((d) => !d.identical);
  if (conflicts.length > 0) {
    const list = conflicts.map((d) => `  run ${d.index + 1} ${d.id} in ${d.dirs.join(' and ')}`).join('\n');
    throw new UsageError(`${conflicts.length} runs have different results in different folders:\n${list}\nMerge only one copy of each shard.`);
  }
  return { runs, source, missing, duplicates, files, warnings };
}

/** The merged text of one file: its header, then each run's records from its chosen folder, in run-list order (pure). */
export function mergedText(folders: readonly ShardFolder[], plan: MergePlan, name: string): string {
  const header = folders.find((f) => f.files.has(name))?.files.get(name)?.headerText ?? '';
  const groups = folders.map((f) => {
    const csv = f.files.get(name);
    return csv ? groupByRun(csv) : new Map<string, string[]>();
  });
  const parts = [header];
  for (const run of plan.runs) {
    const k = plan.source.get(run.id);
    if (k !== undefined) parts.push(...(groups[k]!.get(run.id) ?? []));
  }
  return parts.join('');
}
