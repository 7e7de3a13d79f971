import { UsageError } from '../errors.js';
import type { RunSpec } from '../types.js';

/** One of `count` disjoint parts of a run list; `index` is 1-based (like `vitest --shard 1/3`). */
export interface Shard {
  index: number;
  count: number;
  /** Where it came from: `--shard`, `SLURM_ARRAY_TASK_ID` or `JOB_COMPLETION_INDEX`. */
  source: string;
}

function nonNegativeInt(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+$/.test(text.trim())) return undefined;
  return Number(text.trim());
}

function checked(index: number, count: number, source: string): Shard {
  if (!(count >= 1)) throw new UsageError(`${source}: the shard count must be at least 1 (got ${count})`);
  if (!(index >= 1 && index <= count)) {
    throw new UsageError(`${source}: shard ${index}/${count} is out of range: shards are numbered 1..${count} (1-based)`);
  }
  return { index, count, source };
}

/** Parse `--shard i/n` (1-based i in 1..n). */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new UsageError(`--shard ${text}: expected i/n, e.g. --shard 1/4 (shards are numbered 1..n)`);
  return checked(Number(m[1]), Number(m[2]), `--shard ${text}`);
}

/**
 * The shard a batch scheduler assigned through the environment, or undefined outside an array job.
 * Slurm: `SLURM_ARRAY_TASK_ID` + `SLURM_ARRAY_TASK_COUNT` (offset by `SLURM_ARRAY_TASK_MIN`, divided by
 * `SLURM_ARRAY_TASK_STEP`, so `--array=1-4` and `--array=0-6:2` work too). Kubernetes Indexed Job:
 * `JOB_COMPLETION_INDEX` (0-based, set by Kubernetes) + `JOB_COMPLETIONS` (set it to `spec.completions`
 * in the pod's env; Kubernetes does not expose the count).
 */
export function shardFromEnv(env: Record<string, string | undefined>): Shard | undefined {
  const slurmId = nonNegativeInt(env.SLURM_ARRAY_TASK_ID);
  if (slurmId !== undefined) {
    const count = nonNegativeInt(env.SLURM_ARRAY_TASK_COUNT);
    if (count === undefined) throw new UsageError('SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not: pass --shard i/n');
    const min = nonNegativeInt(env.SLURM_ARRAY_TASK_MIN) ?? 0;
    const step = nonNegativeInt(env.SLURM_ARRAY_TASK_STEP) ?? 1;
    const offset = slurmId - min;
    if (offset < 0 || offset % step !== 0) {
      throw new UsageError(`SLURM_ARRAY_TASK_ID=${slurmId} does not fit --array min ${min} step ${step}: pass --shard i/n`);
    }
    return checked(offset / step + 1, count, 'SLURM_ARRAY_TASK_ID');
  }
  const k8sIndex = nonNegativeInt(env.JOB_COMPLETION_INDEX);
  if (k8sIndex !== undefined) {
    const count = nonNegativeInt(env.JOB_COMPLETIONS);
    if (count === undefined) {
      throw new UsageError('JOB_COMPLETION_INDEX is set but JOB_COMPLETIONS is not: set it to the Job\'s spec.completions, or pass --shard i/n');
    }
    return checked(k8sIndex + 1, count, 'JOB_COMPLETION_INDEX');
  }
  return undefined;
}

/** `--shard` wins over the environment; no shard (undefined) means the whole run list. */
export function resolveShard(flag: string | undefined, env: Record<string, string | undefined>): Shard | undefined {
  return flag !== undefined ? parseShard(flag) : shardFromEnv(env);
}

/** Round-robin over the ordered run list: run k (0-based index) belongs to shard (k mod n) + 1. */
export function inShard(run: Pick<RunSpec, 'index'>, shard: Shard | undefined): boolean {
  return shard === undefined || run.index % shard.count === shard.index - 1;
}

/** The runs of one shard, in run-list order. */
export function selectShard<R extends Pick<RunSpec, 'index'>>(runs: readonly R[], shard: Shard | undefined): R[] {
  return runs.filter((r) => inShard(r, shard));
}

/** `2/4` for display and manifest.json. */
export function formatShard(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}
