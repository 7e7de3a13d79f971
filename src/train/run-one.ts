import { openData, type DataStore } from '../data/load.js';
import type { Dataset, EvalRecord, RunResult, RunSpec } from '../types.js';
import { trainRun } from './loop.js';

/** Where a run's data files are found: csv paths are resolved against the config file, then `cwd`. */
export interface DataContext {
  configFile: string;
  cwd: string;
}

/** Options of one run: progress callback, a signal that stops it at its next evaluation, its data context. */
export interface RunOneOptions {
  onEval?: (record: EvalRecord, totalSteps: number) => void;
  /** When aborted, the run stops at its next evaluation and `runOne` rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Defaults to no config file and the process's cwd (enough for synthetic and mnist data). */
  data?: DataContext;
}

// Data stores of this thread, by config file and data source: a worker reads each CSV file once.
const stores = new Map<string, Promise<DataStore>>();

function storeFor(spec: RunSpec, ctx: DataContext): Promise<DataStore> {
  const source = spec.data.kind === 'csv' ? `csv:${spec.data.path}` : spec.data.kind;
  const key = `${ctx.configFile}\u0000${ctx.cwd}\u0000${source}`;
  let store = stores.get(key);
  if (!store) {
    store = openData({ runs: [spec] }, ctx.configFile, ctx.cwd);
    stores.set(key, store);
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
    const store = await storeFor(spec, opts.data ?? { configFile: '', cwd: process.cwd() });
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
