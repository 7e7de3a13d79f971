import { canonicalJson } from '../util/canonical-json.js';
import type { RunSpec } from '../types.js';

// Time estimates for `bn-exp plan` (pure). A run costs fixed + perStep x steps seconds, where the two
// numbers depend on its "shape" (what sets the cost of a step and of an evaluation) and come from timed
// runs: an earlier result set's wall_s, or a short calibration.

/** Seconds of a run as fixed cost (data, setup, first evaluation) plus a cost per step (evaluations amortised). */
export interface Timing {
  fixed: number;
  perStep: number;
}

/** One timed run: its spec, the steps it took and its wall-clock seconds. */
export interface TimedRun {
  spec: RunSpec;
  steps: number;
  seconds: number;
  /** The whole run as specified (an earlier result), not a shortened calibration of it. */
  complete: boolean;
}

/** Where a run's estimate came from. */
export type EstimateSource = 'same run' | 'same shape' | 'scaled';

/** A run's estimated seconds, or undefined when nothing was timed. */
export interface RunEstimate {
  seconds: number | undefined;
  source: EstimateSource | undefined;
}

/**
 * Optimizer steps of a run whose training set has `trainRows` rows: its step count, or epochs x
 * floor(trainRows / batchSize) (the partial batch is dropped: BN needs full batches).
 */
export function runSteps(spec: Pick<RunSpec, 'train' | 'resolved'>, trainRows: number): number {
  const d = spec.resolved.duration;
  return d.kind === 'steps' ? d.steps : d.epochs * Math.floor(trainRows / spec.train.batchSize);
}

/** The sizes of a run's data that set its cost. */
export interface DataDims {
  features: number;
  classes: number;
  trainSize: number;
  testSize: number;
  /** Extra evaluation sets (one per shift). */
  extraSets: number;
}

/**
 * The data sizes a config states: exact for synthetic and mnist data; a csv file's sizes are known only
 * once it is read (use DataStore.dims), so they are 0 here.
 */
export function nominalDims(spec: Pick<RunSpec, 'data' | 'resolved'>): DataDims {
  const { data } = spec;
  const extraSets = spec.resolved.shifts.length;
  switch (data.kind) {
    case 'synthetic':
      return { features: data.features, classes: data.classes, trainSize: data.trainSize, testSize: data.testSize, extraSets };
    case 'mnist':
      return { features: 784, classes: 10, trainSize: 10 * data.trainPerClass, testSize: 10 * data.testPerClass, extraSets };
    default:
      return { features: 0, classes: 0, trainSize: 0, testSize: 0, extraSets };
  }
}

/** What sets the cost of a run's steps and evaluations (seed, learning rate, data values do not). */
export function shapeKey(spec: RunSpec, dims: DataDims = nominalDims(spec)): string {
  const { model, train } = spec;
  return canonicalJson({
    features: dims.features,
    classes: dims.classes,
    evalRows: Math.min(train.evalTrainSize, dims.trainSize) + dims.testSize * (1 + dims.extraSets),
    depth: model.depth,
    width: model.width,
    batchNorm: model.batchNorm,
    dropout: model.dropout > 0,
    batchSize: train.batchSize,
    optimizer: train.optimizer,
    evalEvery: train.evalEvery,
  });
}

/** Multiply-accumulates of one forward pass of a training batch: the scale of a step's cost. */
export function stepMacs(spec: RunSpec, dims: DataDims = nominalDims(spec)): number {
  const { model, train } = spec;
  const w = model.width;
  return train.batchSize * (dims.features * w + (model.depth - 1) * w * w + w * dims.classes);
}

/** Least-squares line seconds = fixed + perStep x steps; with one distinct step count, a line through 0. */
export function fitTiming(points: readonly { steps: number; seconds: number }[]): Timing | undefined {
  const pts = points.filter((p) => p.steps > 0 && Number.isFinite(p.seconds));
  if (pts.length === 0) return undefined;
  const n = pts.length;
  const mx = pts.reduce((a, p) => a + p.steps, 0) / n;
  const my = pts.reduce((a, p) => a + p.seconds, 0) / n;
  const sxx = pts.reduce((a, p) => a + (p.steps - mx) ** 2, 0);
  if (sxx === 0) return { fixed: 0, perStep: my / mx };
  const perStep = pts.reduce((a, p) => a + (p.steps - mx) * (p.seconds - my), 0) / sxx;
  const fixed = my - perStep * mx;
  // Noise can tip a short fit negative; fall back to the average rate.
  return perStep > 0 && fixed >= 0 ? { fixed, perStep } : { fixed: 0, perStep: my / mx };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Estimate each run: its own earlier wall time when the same run id was timed; else the fitted timing of
 * its shape; else a timing scaled from the timed shapes by its step MACs (median seconds per MAC).
 */
export function estimateRuns(
  runs: readonly RunSpec[],
  timed: readonly TimedRun[],
  dimsOf: (spec: RunSpec) => DataDims = (spec) => nominalDims(spec),
): RunEstimate[] {
  const shapeKey_ = (spec: RunSpec): string => shapeKey(spec, dimsOf(spec));
  const stepMacs_ = (spec: RunSpec): number => stepMacs(spec, dimsOf(spec));
  const byId = new Map(timed.filter((t) => t.complete).map((t) => [t.spec.id, t.seconds]));
  const byShape = new Map<string, TimedRun[]>();
  for (const t of timed) byShape.set(shapeKey_(t.spec), [...(byShape.get(shapeKey_(t.spec)) ?? []), t]);
  const timings = new Map<string, { timing: Timing; macs: number }>();
  for (const [key, ts] of byShape) {
    const timing = fitTiming(ts);
    if (timing) timings.set(key, { timing, macs: stepMacs_(ts[0]!.spec) });
  }
  const all = [...timings.values()];
  const perMac = all.length > 0 ? median(all.map((t) => t.timing.perStep / t.macs)) : NaN;
  const fixed = all.length > 0 ? median(all.map((t) => t.timing.fixed)) : NaN;

  return runs.map((spec) => {
    const steps = runSteps(spec, dimsOf(spec).trainSize);
    const same = byId.get(spec.id);
    if (same !== undefined) return { seconds: same, source: 'same run' };
    const shaped = timings.get(shapeKey_(spec));
    if (shaped) return { seconds: shaped.timing.fixed + shaped.timing.perStep * steps, source: 'same shape' };
    if (all.length > 0) return { seconds: fixed + perMac * stepMacs_(spec) * steps, source: 'scaled' };
    return { seconds: undefined, source: undefined };
  });
}

/** Wall time of running `seconds` (in list order) on `workers` parallel workers, each run to the first free one. */
export function makespan(seconds: readonly number[], workers: number): number {
  const free = Array.from({ length: Math.max(1, workers) }, () => 0);
  for (const s of seconds) {
    let k = 0;
    for (let i = 1; i < free.length; i++) if (free[i]! < free[k]!) k = i;
    free[k]! += s;
  }
  return Math.max(...free);
}

/**
 * A rough, relative cost of a run in seconds on wasm, before anything was timed: per step ~60 kernel
 * launches per layer at ~5 µs each plus 6 MACs-worth of FLOPs per forward MAC at ~15 GFLOP/s, and the
 * evaluations' forward passes. Only its order matters: the runner starts the costliest runs first, so
 * that with several workers no worker is left with a long run at the end (longest processing time first).
 */
export function roughSeconds(spec: RunSpec, dims: DataDims = nominalDims(spec)): number {
  const { model, train } = spec;
  const steps = runSteps(spec, dims.trainSize);
  const layers = model.depth + 1;
  const perStep = layers * 60 * 5e-6 + (6 * stepMacs(spec, dims)) / 15e9;
  const evalRows = Math.min(train.evalTrainSize, dims.trainSize) + dims.testSize * (1 + dims.extraSets);
  const macsPerRow = stepMacs(spec, dims) / train.batchSize;
  const evaluations = Math.floor(steps / train.evalEvery) + 1;
  return steps * perStep + (evaluations * evalRows * 2 * macsPerRow) / 15e9;
}

/** Indices of `costs` from the largest to the smallest (ties in list order). */
export function longestFirst(costs: readonly number[]): number[] {
  return costs.map((_, i) => i).sort((a, b) => costs[b]! - costs[a]! || a - b);
}

/**
 * The order in which `bn-exp run` hands runs (or vectorized groups of runs) to its workers: plan order
 * on one worker; the costliest first (roughSeconds) on several.
 */
export function dispatchOrder<T extends RunSpec>(
  groups: readonly T[][],
  workers: number,
  dimsOf: (spec: RunSpec) => DataDims = (spec) => nominalDims(spec),
): T[][] {
  if (workers <= 1) return [...groups];
  const cost = (group: T[]): number => group.reduce((a, r) => a + roughSeconds(r, dimsOf(r)), 0);
  return longestFirst(groups.map(cost)).map((i) => groups[i]!);
}

/** What a sweep costs besides its runs, and how well its workers share the machine. */
export interface SweepOverheads {
  /** Process start-up, CLI imports and one TensorFlow.js load (workers load theirs in parallel). */
  startSeconds: number;
  /** Summaries, claims, figures and report after the last run. */
  reportSeconds: number;
  /** Throughput of one of n busy workers relative to one alone (1 = linear speed-up). */
  parallelEfficiency: number;
  /** CPU cores: more workers than cores time-share them. */
  cores: number;
}

/**
 * Defaults measured on a 2-vCPU machine with quick.yaml (docs/scaling.md), 2026-12-05: `bn-exp` start-up
 * with the wasm backend ~0.7 s idle (a 1-step run), 1 s allowed; summarize + report of 8 runs 0.8-1.0 s
 * idle, 1.5 s allowed; 2 workers gave a median 1.45x the throughput of one
 * (six measurements, docs/speed.md), i.e. an efficiency of 0.725 per worker.
 */
export const DEFAULT_OVERHEADS: Omit<SweepOverheads, 'cores'> = { startSeconds: 1, reportSeconds: 1.5, parallelEfficiency: 0.725 };

/** How much longer a run takes on one of `workers` busy workers than alone. */
export function workerSlowdown(workers: number, cores: number, efficiency: number): number {
  if (workers <= 1) return 1;
  return Math.max(1, workers / Math.max(1, cores)) / Math.min(1, Math.max(efficiency, 1e-3));
}

/** Wall time of a whole sweep: start-up, the runs on `workers` workers (each slowed by sharing), the report. */
export function sweepSeconds(runSeconds: readonly number[], workers: number, o: SweepOverheads): number {
  const n = Math.max(1, Math.min(workers, runSeconds.length));
  const slow = workerSlowdown(n, o.cores, o.parallelEfficiency);
  return o.startSeconds + makespan(runSeconds.map((s) => s * slow), n) + o.reportSeconds;
}

/**
 * Parallel efficiency from a calibration window: seconds of one short run alone on the pool and of the
 * same run on every worker at once (medians), as the speed of one busy worker relative to one alone.
 * Capped at 1: noise must not promise more than a linear speed-up.
 */
export function efficiencyFrom(alone: readonly number[], together: readonly number[]): number {
  const a = median([...alone]);
  const t = median([...together]);
  return Math.min(1, Math.max(1e-3, a / t));
}
