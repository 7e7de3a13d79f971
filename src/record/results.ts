import {
  appendFileSync,
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { onPath, UsageError } from '../errors.js';
import { requireColumn } from './columns.js';
import { type CsvValue, parseCsv, toCsv } from './csv.js';

// Layout of a results folder (SPEC §5). A run is committed when its runs.csv row is on disk: its
// curves.csv rows are appended and fsynced first, so a crash leaves valid CSVs in which every run
// listed in runs.csv is complete; rows of a run in flight are dropped on --resume.

export const MANIFEST = 'manifest.json';
export const RUNS_CSV = 'runs.csv';
export const CURVES_CSV = 'curves.csv';
export const LAYERS_CSV = 'layers.csv';
export const LANDSCAPE_CSV = 'landscape.csv';
export const SHIFTS_CSV = 'shifts.csv';
export const SHIFT_FEATURES_CSV = 'shift_features.csv';
/** Files keyed by run_id whose rows are written before the run's runs.csv row. */
const PER_RUN_CSVS = [CURVES_CSV, LAYERS_CSV, LANDSCAPE_CSV, SHIFTS_CSV, SHIFT_FEATURES_CSV];

/** Files written from the results (summaries, report): stale once the results are replaced. */
const DERIVED_FILES = ['summary.csv', 'curves_summary.csv', 'report.html', 'report.md'];
/** The figures folder of the report and of `plot`. */
const FIGURES = 'figures';
/** What bn-exp writes into figures/: a figure as SVG, PNG and Vega-Lite spec. */
const FIGURE_FILE = /\.(svg|png|vl\.json)$/;

/** Remove the figure files of an earlier report (not other files a user put there), and the folder if left empty. */
function removeFigures(dir: string): void {
  if (!existsSync(dir)) return;
  for (const f of readdirSync(dir)) if (FIGURE_FILE.test(f)) rmSync(join(dir, f), { force: true });
  try {
    rmdirSync(dir);
  } catch {
    // other files remain: keep them
  }
}

/** An opened results folder; `done` holds the run ids already committed to runs.csv (resume). */
export interface ResultsDir {
  dir: string;
  done: Set<string>;
}

/**
 * Refuse, before anything is written, what `openResults` would refuse: --force with --resume, and a
 * folder that already holds a manifest.json or runs.csv without either.
 */
export function checkResultsFolder(dir: string, opts: { overwrite?: boolean; resume?: boolean } = {}): void {
  if (opts.overwrite === true && opts.resume === true) {
    throw new UsageError('--force and --resume cannot be combined: --force starts over, --resume continues.');
  }
  const held = [MANIFEST, RUNS_CSV].filter((f) => existsSync(join(dir, f)));
  if (held.length > 0 && opts.overwrite !== true && opts.resume !== true) {
    throw new UsageError(
      `${dir} already holds results (${held.join(', ')}). Use --out <dir> to write elsewhere, ` +
        `--force to overwrite it, or --resume to continue it.`,
    );
  }
}

/**
 * Create (recursively) or reopen a results folder. A folder that already holds a manifest.json or
 * runs.csv is refused unless `overwrite` (its result files are deleted) or `resume` (torn trailing
 * lines and rows of uncommitted runs are dropped, committed run ids returned in `done`).
 */
export function openResults(dir: string, opts: { overwrite?: boolean; resume?: boolean } = {}): ResultsDir {
  checkResultsFolder(dir, opts);
  mkdirSync(dir, { recursive: true }); // a filesystem refusal is a FileSystemError at the CLI boundary (exit 1)
  if (opts.overwrite === true) {
    // Only our own files: --out may point at a folder holding other things.
    for (const f of [MANIFEST, RUNS_CSV, ...PER_RUN_CSVS, ...DERIVED_FILES]) rmSync(join(dir, f), { force: true });
    removeFigures(join(dir, FIGURES));
    return { dir, done: new Set() };
  }
  return { dir, done: opts.resume === true ? repairForResume(dir) : new Set() };
}

/** The run ids committed to a folder's runs.csv (a torn last line ignored), read only; refuses a damaged file. */
export function committedRuns(dir: string): Set<string> {
  const runsPath = join(dir, RUNS_CSV);
  const done = new Set<string>();
  if (!existsSync(runsPath)) return done;
  for (const r of parseOrRefuse(runsPath, withoutTornTail(readFileSync(runsPath, 'utf8')))) if (r.run_id !== undefined) done.add(r.run_id);
  return done;
}

/**
 * Refuse (UsageError) when a file of the folder starts with another header than its columns here, before
 * anything is written: a resume after adding probes, or a foreign CSV in --out, leaves the folder as it was.
 */
export function checkHeaders(dir: string, files: readonly (readonly [string, readonly string[]])[]): void {
  for (const [file, columns] of files) hasHeader(join(dir, file), columns);
}

/** Whether a folder holds a result set (its manifest.json or runs.csv). */
export function isResultFolder(dir: string): boolean {
  return existsSync(join(dir, MANIFEST)) || existsSync(join(dir, RUNS_CSV));
}

/** Write manifest.json atomically: a temp file in the same folder, fsynced, then renamed over. */
export function writeManifestAtomic(dir: string, manifest: object): void {
  writeFileAtomic(join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** The parsed manifest.json of a results folder, or undefined when it has none. */
export function readManifest(dir: string): unknown {
  const path = join(dir, MANIFEST);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch (err) {
    throw new UsageError(`${path}: not valid JSON: ${(err as Error).message}`);
  }
}

/** Appends committed runs to curves.csv and runs.csv. */
export class ResultsWriter {
  readonly dir: string;
  private readonly runsColumns: readonly string[];
  private readonly curvesColumns: readonly string[];
  private readonly extraColumns: Readonly<Record<string, readonly string[]>>;

  /**
   * Writes each file's header unless the file already has it (resume); a different header is refused.
   * `extra` maps further per-run files (e.g. shifts.csv) to their columns.
   */
  constructor(dir: string, runsColumns: readonly string[], curvesColumns: readonly string[], extra: Readonly<Record<string, readonly string[]>> = {}) {
    this.dir = dir;
    this.runsColumns = runsColumns;
    this.curvesColumns = curvesColumns;
    this.extraColumns = extra;
    // Every column a writer emits is defined in the registry (kind, range, direction, label).
    for (const c of [...runsColumns, ...curvesColumns, ...Object.values(extra).flat()]) requireColumn(c);
    const files: [string, readonly string[]][] = [...Object.entries(extra), [CURVES_CSV, curvesColumns], [RUNS_CSV, runsColumns]];
    // Every header is checked before any is written: a refused resume leaves the folder as it was.
    const missing = files.filter(([file, columns]) => !hasHeader(join(dir, file), columns));
    for (const [file, columns] of missing) appendSynced(join(dir, file), toCsv([], columns, { header: true }));
  }

  /**
   * Append one run: its rows of the `extra` files and curves first, then its runs.csv row, which commits
   * it (arguments in write order).
   */
  appendRun(curves: readonly Record<string, CsvValue>[], run: Record<string, CsvValue>, extra: Readonly<Record<string, readonly Record<string, CsvValue>[]>> = {}): void {
    for (const [file, rows] of Object.entries(extra)) {
      const columns = this.extraColumns[file];
      if (columns === undefined) throw new Error(`ResultsWriter: ${file} was not declared`);
      if (rows.length > 0) appendSynced(join(this.dir, file), toCsv(rows, columns, { header: false, float32: true }));
    }
    if (curves.length > 0) appendSynced(join(this.dir, CURVES_CSV), toCsv(curves, this.curvesColumns, { header: false, float32: true }));
    appendSynced(join(this.dir, RUNS_CSV), toCsv([run], this.runsColumns, { header: false, float32: true }));
  }
}

/** Whether the file starts with this header (false when absent or empty); a different header is refused. */
function hasHeader(path: string, columns: readonly string[]): boolean {
  const header = toCsv([], columns, { header: true });
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  if (text === '') return false;
  if (!text.startsWith(header)) {
    throw new UsageError(
      `${path}: its columns differ from this run's (the config changed, e.g. probes or eval modes added, or the file is not bn-exp's). ` +
        `Nothing was written. Use --force to start over or --out <dir>.`,
    );
  }
  return true;
}

/** Append text and fsync it, so a later runs.csv row never reaches disk before the rows it commits. */
function appendSynced(path: string, text: string): void {
  onPath(path, () => {
    const fd = openSync(path, 'a');
    try {
      appendFileSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  });
}

/** Replace a file whole: write a temp file in the same folder, fsync it, rename it over. */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  onPath(path, () => {
    try {
      const fd = openSync(tmp, 'w');
      try {
        writeFileSync(fd, text);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, path);
    } catch (err) {
      rmSync(tmp, { force: true }); // no temp file left by a full disk
      throw err;
    }
  });
}

/** Drop a torn last record (a crash mid-append leaves no final newline). */
function withoutTornTail(text: string): string {
  return text === '' || text.endsWith('\n') ? text : text.slice(0, text.lastIndexOf('\n') + 1);
}

/** Make a crashed folder consistent: keep only complete rows of runs committed to runs.csv. */
function repairForResume(dir: string): Set<string> {
  const runsPath = join(dir, RUNS_CSV);
  const done = committedRuns(dir);
  if (existsSync(runsPath)) {
    const text = readFileSync(runsPath, 'utf8');
    const kept = withoutTornTail(text);
    if (kept !== text) writeFileAtomic(runsPath, kept);
  }
  for (const f of PER_RUN_CSVS) {
    const path = join(dir, f);
    if (!existsSync(path)) continue;
    const text = readFileSync(path, 'utf8');
    const cut = withoutTornTail(text);
    const headerEnd = cut.indexOf('\n') + 1;
    if (headerEnd === 0) {
      if (cut !== text) writeFileAtomic(path, cut);
      continue;
    }
    const rows = parseOrRefuse(path, cut);
    const kept = rows.filter((r) => r.run_id !== undefined && done.has(r.run_id));
    if (kept.length === rows.length && cut === text) continue;
    const columns = (parse(cut.slice(0, headerEnd)) as string[][])[0] ?? [];
    writeFileAtomic(path, cut.slice(0, headerEnd) + toCsv(kept, columns, { header: false }));
  }
  return done;
}

function parseOrRefuse(path: string, text: string): Record<string, string>[] {
  try {
    return parseCsv(text);
  } catch (err) {
    throw new UsageError(`${path}: cannot resume, the file is damaged (${(err as Error).message}). Use --force to start over.`);
  }
}
