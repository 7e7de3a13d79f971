import type { MeasuredShift } from '../data/assemble.js';
import { DataStore, sharedDataKey, type SharedData } from '../data/load.js';
import type { Dataset, EvalRecord, RunResult, RunSpec } from '../types.js';
import { datasetMismatch, trainGroup, trainRun } from './loop.js';

/**
 * A run's data: the store itself (in this thread) or its shared tables (a task for a pool worker). A
 * run never opens a data file: `openData` read it once, in the process that planned the runs.
 */
export type RunData = DataStore | SharedData;

/** Options of one run: progress callback, a signal that stops it at its next evaluation, its data. */
export interface RunOneOptions {
  onEval?: (record: EvalRecord, totalSteps: number) => void;
  /** When aborted, the run stops at its next evaluation and `runOne` rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Needed for csv data; synthetic and mnist data are built without it. */
  data?: RunData;
}

// This thread's stores on shared tables, by their content: runs of one sweep share a store (and its
// cache of built datasets). Two at most: a thread serves one sweep at a time.
const stores = new Map<string, DataStore>();
const noFiles = new DataStore(new Map());

function storeFor(spec: RunSpec, data: RunData | undefined): DataStore {
  if (data instanceof DataStore) return data;
  if (data === undefined) {
    if (spec.data.kind === 'csv') throw new Error(`run ${spec.id}: csv data ${spec.data.path} was not read (openData)`);
    return noFiles;
  }
  const key = sharedDataKey(data);
  let store = stores.get(key);
  if (store === undefined) {
    store = DataStore.fromShared(data);
    stores.set(key, store);
    if (stores.size > 2) stores.delete(stores.keys().next().value as string);
  }
  return store;
}

/**
 * One run end to end: build (or load) its data, measure its shifts, train it, return its plain
 * RunResult (what a worker sends back to the parent). An exception in training is data: the result is
 * `failed` with the error message.
 */
export async function runOne(spec: RunSpec, opts: RunOneOptions = {}): Promise<RunResult> {
  const t0 = performance.now();
  const { signal } = opts;
  try {
    signal?.throwIfAborted();
    const store = storeFor(spec, opts.data);
    const shifts = store.measures(spec);
    const dataset: Dataset = store.build(spec).dataset;
    const result = await trainRun(spec, dataset, {
      onEval: (record, total) => {
        signal?.throwIfAborted(); // trainRun's finally disposes every tensor on the way out
        opts.onEval?.(record, total);
      },
    });
    return { ...result, shifts };
  } catch (err) {
    if (signal?.aborted === true) throw err;
    const message = err instanceof Error ? err.message : String(err);
    return { spec, status: 'failed', steps: 0, curve: [], error: message, wallSeconds: (performance.now() - t0) / 1000 };
  }
}

/** Options of a group of runs: as RunOneOptions, with progress per member (its position in the group). */
export interface RunGroupOptions {
  onEval?: (member: number, record: EvalRecord, totalSteps: number) => void;
  signal?: AbortSignal;
  data?: RunData;
}

/** The runs one after another with runOne (the fallback of runGroup). */
async function runEach(specs: RunSpec[], opts: RunGroupOptions): Promise<RunResult[]> {
  const results: RunResult[] = [];
  for (const [i, spec] of specs.entries()) {
    const onEval = (record: EvalRecord, total: number): void => opts.onEval?.(i, record, total);
    results.push(await runOne(spec, { onEval, ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.data ? { data: opts.data } : {}) }));
  }
  return results;
}

/**
 * Runs that share a vectorized step (`run --vectorize K`) end to end: each run's own data and shift
 * measures, then one trainGroup. One RunResult per spec, in order. When the datasets turn out to differ
 * in shape, or the group's training throws, the runs are trained one by one with runOne instead, so a
 * run's result (or failure) never depends on its group.
 */
export async function runGroup(specs: RunSpec[], opts: RunGroupOptions = {}): Promise<RunResult[]> {
  const { signal } = opts;
  if (specs.length < 2) return runEach(specs, opts);
  try {
    signal?.throwIfAborted();
    const shifts: MeasuredShift[][] = [];
    const datasets: Dataset[] = [];
    for (const spec of specs) {
      const store = storeFor(spec, opts.data);
      shifts.push(store.measures(spec));
      datasets.push(store.build(spec).dataset);
    }
    const mismatch = datasetMismatch(datasets);
    if (mismatch !== undefined) return fallBack(specs, opts, mismatch);
    const results = await trainGroup(specs, datasets, {
      onEval: (member, record, total) => {
        signal?.throwIfAborted(); // trainGroup's finally disposes every tensor on the way out
        opts.onEval?.(member, record, total);
      },
    });
    return results.map((r, i) => ({ ...r, shifts: shifts[i]! }));
  } catch (err) {
    if (signal?.aborted === true) throw err;
    return fallBack(specs, opts, err instanceof Error ? err.message : String(err));
  }
}

/** Trains a group's runs one by one after saying why on stderr (the results are the same, only slower). */
function fallBack(specs: RunSpec[], opts: RunGroupOptions, why: string): Promise<RunResult[]> {
  console.error(`bn-exp: ${specs.length} runs (${specs.map((s) => s.id).join(', ')}) train one by one instead of vectorized: ${why}`);
  return runEach(specs, opts);
}
