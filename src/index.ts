// The programmatic API (package.json "exports"): run an experiment and read its results from another
// Node program, e.g. `import { runExperiment, loadResults } from 'bn-exp'`. The CLI is built on the
// same functions.
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BackendChoice } from './backends.js';
import { runCommand } from './cli/run.js';
import { readExperiment } from './config/load.js';
import { readResultSet, type ResultSet } from './record/result-set.js';

export { CheckFailed, ConfigError, Interrupted, UsageError } from './errors.js';
export type { ResultSet } from './record/result-set.js';

/** Options of runExperiment; each mirrors a `bn-exp run` flag. */
export interface RunExperimentOptions {
  /** Results folder (default: results/<name>, relative to the working directory). */
  out?: string;
  /** `--set` / `--unset` overrides, e.g. ['train.steps=200', '~train.epochs', 'model.depth=[2,4]']. */
  set?: string[];
  /** TensorFlow.js backend (default: auto = node if installed, else wasm). */
  backend?: BackendChoice;
  /** Parallel runs: a count or 'auto' (default 1). */
  workers?: number | 'auto';
  /** Replace an existing result set in `out`. */
  force?: boolean;
  /** Continue the result set in `out`. */
  resume?: boolean;
  /** Write report.html, report.md and figures/ (default true). */
  report?: boolean;
  /** No progress lines (default true: a library stays quiet; the final table is still printed). */
  quiet?: boolean;
  /** `i/n`: run only that shard of the run list. */
  shard?: string;
  /** Train up to K runs of one shape as one batch of models (default 1). */
  vectorize?: number;
  /**
   * For a config given as an object: the folder its relative paths (CSV data files) are resolved
   * against (default: the working directory).
   */
  baseDir?: string;
}

/**
 * Run every run of an experiment, as `bn-exp run` does, and return the result set it wrote.
 * `config` is a path to a YAML/JSON experiment file, or the experiment as an object (the file's
 * contents). Bad input throws ConfigError / UsageError (with the file, field and what was expected).
 */
export async function runExperiment(config: string | Record<string, unknown>, options: RunExperimentOptions = {}): Promise<ResultSet> {
  let file = typeof config === 'string' ? config : undefined;
  if (file === undefined) {
    // A JSON file in baseDir, so relative data paths resolve as they would from a file written there.
    const dir = options.baseDir ?? process.cwd();
    file = path.join(dir, `.bn-exp-config-${process.pid}-${Date.now()}.json`);
    writeFileSync(file, JSON.stringify(config));
  }
  const set = options.set ?? [];
  try {
    const out = options.out ?? path.join('results', (await readExperiment(file, set)).name);
    await runCommand(file, {
      out,
      set,
      backend: options.backend ?? 'auto',
      force: options.force ?? false,
      quiet: options.quiet ?? true,
      workers: options.workers === undefined ? undefined : String(options.workers),
      shard: options.shard,
      resume: options.resume ?? false,
      report: options.report ?? true,
      vectorize: options.vectorize === undefined ? undefined : String(options.vectorize),
    });
    return loadResults(out);
  } finally {
    if (typeof config !== 'string') rmSync(file, { force: true });
  }
}

/**
 * Read a results folder (as written by `bn-exp run` or `merge`): its manifest, swept axes, and the rows
 * of runs.csv and curves.csv (cells as strings, as in the files: use Number() for numbers).
 */
export function loadResults(dir: string): ResultSet {
  return readResultSet(dir);
}
