import os from 'node:os';
import type { BackendChoice } from '../backends.js';
import { UsageError } from '../errors.js';
import type { EvalRecord, RunResult, RunSpec } from '../types.js';

/** What the caller hears of a run in flight. */
export interface RunHooks {
  /** The run left the queue and began (data generation). */
  onStart?: () => void;
  /** An evaluation point, with the run's total step count. */
  onEval?: (record: EvalRecord, totalSteps: number) => void;
}

/** Runs RunSpecs somewhere (this thread or a pool of workers) and hands back their results. */
export interface Executor {
  /** Parallel runs at most. */
  readonly workers: number;
  /** Start TensorFlow.js on the backend (where the runs will train) and return the name of the one that runs. */
  start(choice: BackendChoice): Promise<string>;
  /**
   * Queue one run. Resolves with its result (a failed run resolves too, with status `failed`); rejects
   * only when `abort` was called before the run finished (the run is then discarded).
   */
  run(spec: RunSpec, hooks: RunHooks): Promise<RunResult>;
  /**
   * Queue runs that share a vectorized step (`--vectorize`) as one task, with hooks per run. Resolves
   * with one result per spec, in order; rejects only on abort, as `run`.
   */
  runGroup(specs: RunSpec[], hooks: RunHooks[]): Promise<RunResult[]>;
  /** Stop: queued runs never start, runs in flight end at once (pool) or at their next evaluation (in process). */
  abort(reason: Error): void;
  /** Release the workers. */
  close(): Promise<void>;
}

/** `--workers`: a positive integer, or `auto` = the number of CPU cores. */
export function parseWorkers(text: string | undefined, cores = os.availableParallelism()): number {
  if (text === undefined) return 1;
  if (text === 'auto') return Math.max(1, cores);
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`--workers ${text}: expected a positive integer or "auto"`);
  return Number(text);
}

/**
 * `--vectorize`: runs per vectorized step, a positive integer (1: every run trains alone), or `auto` (the
 * default: plan/groups.ts autoVectorize picks K from the runs and the workers).
 */
export function parseVectorize(text: string | undefined): number | 'auto' {
  if (text === undefined || text === 'auto') return 'auto';
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`--vectorize ${text}: expected a positive integer or "auto"`);
  return Number(text);
}

/** A `failed` result for a run whose executor broke (worker crash), measured from `t0` (ms). */
export function failedResult(spec: RunSpec, error: string, t0: number): RunResult {
  return { spec, status: 'failed', steps: 0, curve: [], error, wallSeconds: (performance.now() - t0) / 1000 };
}
