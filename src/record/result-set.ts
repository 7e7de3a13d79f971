import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { UsageError } from '../errors.js';
import { readCsv } from './csv.js';
import { checkResultRows } from './result-check.js';
import { CURVES_CSV, readManifest, RUNS_CSV } from './results.js';

/** A result set read back for analysis: its tables (all cells strings), where they came from, its manifest. */
export interface ResultSet {
  /** Experiment name (manifest `name`, else the folder name). */
  name: string;
  /** Swept dotted paths: the runs.csv columns that define a config cell. */
  axes: string[];
  runs: Record<string, string>[];
  curves: Record<string, string>[];
  /** The folder the files were read from. */
  dir: string;
  manifest: Record<string, unknown> | undefined;
  /** Column order of runs.csv and curves.csv as written. */
  runsColumns: string[];
  curvesColumns: string[];
}

/** The swept columns of a runs.csv header: by contract, those between `seed` and `status`. */
export function axesFromColumns(columns: readonly string[]): string[] {
  const from = columns.indexOf('seed');
  const to = columns.indexOf('status');
  return from >= 0 && to > from ? columns.slice(from + 1, to) : [];
}

/** The folder of a results target (a folder, or a runs.csv path inside one). */
export function resultsDirOf(target: string): string {
  return existsSync(target) && !statSync(target).isDirectory() ? path.dirname(target) : target;
}

/** Refuse an empty file or one whose last row has no line end: cut off by a kill or a full disk. */
function refuseCutOff(file: string): void {
  const text = readFileSync(file, 'utf8');
  if (text === '') throw new UsageError(`${file}: empty (not even a header line); the folder is damaged`);
  if (!text.endsWith('\n')) {
    throw new UsageError(`${file}: cut off (its last line has no line end: a kill or a full disk while writing). Repair it with bn-exp run ... --resume.`);
  }
}

function header(file: string): string[] {
  const first = readFileSync(file, 'utf8').split('\n', 1)[0] ?? '';
  return first === '' ? [] : ((parse(first, { bom: true }) as string[][])[0] ?? []);
}

/**
 * Read a results folder (or a runs.csv path, with curves.csv beside it): manifest.json if present,
 * runs.csv (required, at least one run) and curves.csv (optional). Swept axes come from the manifest,
 * else from the runs.csv header (the columns between `seed` and `status`). Problems are UsageErrors.
 */
export function readResultSet(target: string): ResultSet {
  if (!existsSync(target)) throw new UsageError(`${target}: no such results folder or file`);
  const dir = statSync(target).isDirectory() ? target : path.dirname(target);
  const runsPath = statSync(target).isDirectory() ? path.join(dir, RUNS_CSV) : target;
  if (!existsSync(runsPath)) throw new UsageError(`${target}: not a results folder (no ${RUNS_CSV})`);
  const manifest = readManifest(dir) as Record<string, unknown> | undefined;
  refuseCutOff(runsPath);
  const runs = readCsv(runsPath);
  if (runs.length === 0) throw new UsageError(`${runsPath}: holds no runs`);
  const runsColumns = header(runsPath);
  const axes = Array.isArray(manifest?.axes) ? (manifest.axes as string[]) : axesFromColumns(runsColumns);
  const missing = axes.filter((a) => !runsColumns.includes(a));
  if (missing.length > 0) throw new UsageError(`${runsPath}: swept columns missing: ${missing.join(', ')}`);
  const curvesPath = path.join(dir, CURVES_CSV);
  if (!existsSync(curvesPath) && manifest !== undefined) {
    throw new UsageError(`${curvesPath}: missing (the folder has a manifest.json and a ${RUNS_CSV}, so bn-exp wrote a curves.csv there)`);
  }
  if (existsSync(curvesPath)) refuseCutOff(curvesPath);
  const curves = existsSync(curvesPath) ? readCsv(curvesPath) : [];
  const curvesColumns = existsSync(curvesPath) ? header(curvesPath) : [];
  checkResultRows(
    dir,
    { file: runsPath, columns: runsColumns, rows: runs },
    existsSync(curvesPath) ? { file: curvesPath, columns: curvesColumns, rows: curves } : undefined,
    axes,
  );
  const name = typeof manifest?.name === 'string' ? manifest.name : path.basename(path.resolve(dir));
  return { dir, name, axes, runs, curves, manifest, runsColumns, curvesColumns };
}
