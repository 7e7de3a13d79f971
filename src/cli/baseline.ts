import { existsSync } from 'node:fs';
import path from 'node:path';
import { cellLabel, groupCells } from '../analysis/cells.js';
import { UsageError } from '../errors.js';
import { writeCsv } from '../record/csv.js';
import { lockFolder } from '../record/lock.js';
import { readResultSet, type ResultSet } from '../record/result-set.js';
import { CURVES_CSV, MANIFEST, RUNS_CSV, writeManifestAtomic } from '../record/results.js';
import { writeSummaries } from './summarize.js';
import { plural } from '../report/format.js';

/** Fewer seeds per cell than this give bands too narrow to trust: a rerun with other seeds can fail them. */
export const MIN_BASELINE_SEEDS = 4;

/** runs.csv columns a baseline leaves out: wall-clock time differs on every run and machine. */
const VOLATILE = new Set(['wall_s']);

/**
 * `bn-exp baseline <results> --out <dir>`: record a result set as a check baseline: its manifest (with
 * a `baseline` record, without the host name), runs.csv without wall times, curves.csv, and the summaries.
 */
export function baselineCommand(results: string, opts: { out?: string; force: boolean }): void {
  const rs = readResultSet(results);
  if (rs.manifest === undefined) throw new UsageError(`${results}: no manifest.json; a baseline must say which experiment it records`);
  if (rs.curves.length === 0) throw new UsageError(`${results}: no curves.csv rows to record`);
  const out = opts.out ?? path.join('results', 'baselines', rs.name);
  if (path.resolve(out) === path.resolve(rs.dir)) throw new UsageError('--out must be another folder than the results');
  const release = lockFolder(out); // --force must never replace the files of a run writing there
  try {
    recordBaseline(rs, results, out, opts.force);
  } finally {
    release();
  }
}

function recordBaseline(rs: ResultSet, results: string, out: string, force: boolean): void {
  if (!force && [MANIFEST, RUNS_CSV].some((f) => existsSync(path.join(out, f)))) {
    throw new UsageError(`${out} already holds a baseline. Use --force to replace it.`);
  }
  if (rs.manifest === undefined) return;
  const { platform, ...manifest } = rs.manifest;
  const { host: _host, ...machine } = (platform ?? {}) as Record<string, unknown>;
  writeManifestAtomic(out, {
    ...manifest,
    platform: machine,
    // `command` (kept from the run) reproduces the results; this records how they became the baseline.
    baseline: { recordedFrom: results, recordedAt: new Date().toISOString(), command: `bn-exp baseline ${results} --out ${out}` },
  });
  const runsColumns = rs.runsColumns.filter((c) => !VOLATILE.has(c));
  writeCsv(path.join(out, RUNS_CSV), rs.runs, runsColumns);
  writeCsv(path.join(out, CURVES_CSV), rs.curves, rs.curvesColumns);
  writeSummaries({ ...rs, dir: out, runsColumns }, out);
  const cells = groupCells(rs.runs, rs.axes);
  const fewest = Math.min(...cells.map((c) => c.runs.length));
  if (fewest < MIN_BASELINE_SEEDS) {
    console.error(
      `warning: ${out} has cells with only ${plural(fewest, 'seed')}: the check bands come from the spread over seeds, and with ` +
        `fewer than ${MIN_BASELINE_SEEDS} they are too narrow to trust (a rerun with other seeds may fail). ` +
        `Record it from a run with --set seeds=${MIN_BASELINE_SEEDS} or more.`,
    );
  }
  console.log(
    `recorded baseline ${out}: ${rs.runs.length} runs in ${cells.length} cells (${cells.map((c) => cellLabel(c.params)).join('; ')})\n` +
      `check new results with: bn-exp check <results> --baseline ${out}`,
  );
}
