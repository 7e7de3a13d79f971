import { generateDataset } from '../data/synthetic.js';
import type { EvalRecord, RunResult, RunSpec } from '../types.js';
import { trainRun } from './loop.js';

/** Options of one run: progress callback and a signal that stops it at its next evaluation. */
export interface RunOneOptions {
  onEval?: (record: EvalRecord, totalSteps: number) => void;
  /** When aborted, the run stops at its next evaluation and `runOne` rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * One run end to end: generate its data, train it, return its plain RunResult (what a worker sends back
 * to the parent). An exception in training is data: the result is `failed` with the error message.
 */
export async function runOne(spec: RunSpec, opts: RunOneOptions = {}): Promise<RunResult> {
  const t0 = performance.now();
  const { signal } = opts;
  try {
    signal?.throwIfAborted();
    const data = generateDataset(spec.data, spec.seed);
    return await trainRun(spec, data, {
      onEval: (record, total) => {
        signal?.throwIfAborted(); // trainRun's finally disposes every tensor on the way out
        opts.onEval?.(record, total);
      },
    });
  } catch (err) {
    if (signal?.aborted === true) throw err;
    const message = err instanceof Error ? err.message : String(err);
    return { spec, status: 'failed', steps: 0, curve: [], error: message, wallSeconds: (performance.now() - t0) / 1000 };
  }
}
