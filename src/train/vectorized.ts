import * as tf from '@tensorflow/tfjs';
import { isDiverged } from '../record/convergence.js';
import { runSteps } from '../plan/estimate.js';
import { vectorGroupKey } from '../plan/groups.js';
import { epochOrder } from '../data/batching.js';
import { oneHot } from '../data/onehot.js';
import { Rng } from '../stats/rng.js';
import { disposeMlp } from '../model/mlp.js';
import { buildStackedMlp, disposeStackedMlp, sliceModel, type StackedMlp } from '../model/stacked-mlp.js';
import type { Dataset, EvalRecord, RunResult, RunSpec, Split } from '../types.js';
import { evaluate, type EvalSet } from './evaluate.js';
import { smallGammaFractionOf, toEvalSet } from './loop.js';
import { makeStackedOptimizer } from './stacked-optimizer.js';
import { makeStackedTrainer } from './stacked-step.js';

/*
 * Seed-vectorized training (issue #9): K runs of one shape trained as one batch of K models, so each
 * kernel launch serves K models. Every run keeps its own data, init, batch order and dropout streams,
 * its own evaluations and its own divergence, so each result equals the run's trainRun result within
 * float tolerance (vectorized.test.ts). Runs the runner never groups (config/vector-groups.ts) are
 * rejected here too.
 */

/** Callbacks of a group in progress; `member` is the run's position in the group. */
export interface GroupHooks {
  onEval?: (member: number, record: EvalRecord, totalSteps: number) => void;
  /** Wall clock in seconds (injected for tests). */
  now?: () => number;
}

/** Why these datasets cannot share a step (their splits differ in shape), or undefined. */
export function datasetMismatch(datasets: Dataset[]): string | undefined {
  const shape = (d: Dataset): string =>
    JSON.stringify([d.classes, d.train.n, d.train.features, d.test.n, Object.entries(d.extra).map(([k, s]) => [k, s.n]), d.trainPhases?.length]);
  const first = shape(datasets[0]!);
  const i = datasets.findIndex((d) => shape(d) !== first);
  return i < 0 ? undefined : `run ${i} of the group has data of another shape (${shape(datasets[i]!)} vs ${first})`;
}

function checkGroup(specs: RunSpec[], datasets: Dataset[]): void {
  if (specs.length === 0 || specs.length !== datasets.length) throw new Error('trainGroup: one dataset per spec, at least one spec');
  const key = vectorGroupKey(specs[0]!);
  if (key === undefined || specs.some((s) => vectorGroupKey(s) !== key)) throw new Error('trainGroup: these runs cannot share a vectorized step');
  const why = datasetMismatch(datasets);
  if (why !== undefined) throw new Error(`trainGroup: ${why}`);
}

/** All K training sets in one tensor [K·n, width] (model k's rows at k·n), so one gather serves all. */
function concatRows(splits: Split[], width: number, rows: (s: Split) => Float32Array): tf.Tensor2D {
  const n = splits[0]!.n;
  const all = new Float32Array(splits.length * n * width);
  splits.forEach((s, k) => all.set(rows(s), k * n * width));
  return tf.tensor2d(all, [splits.length * n, width]);
}

/** Dropout masks [K, B, W] per hidden layer: model k's block drawn from its own stream exactly as trainRun does. */
function stackedDropoutMasks(specs: RunSpec[], rngs: Rng[], batch: number, width: number, depth: number): tf.Tensor3D[] {
  const k = specs.length;
  const block = batch * width;
  return Array.from({ length: depth }, () => {
    const m = new Float32Array(k * block);
    specs.forEach((spec, i) => {
      const p = spec.model.dropout;
      if (p === 0) {
        m.fill(1, i * block, (i + 1) * block); // trainRun draws nothing for this run
        return;
      }
      const keep = 1 / (1 - p);
      const rng = rngs[i]!;
      for (let j = i * block; j < (i + 1) * block; j++) m[j] = rng.uniform() < p ? 0 : keep;
    });
    return tf.tensor3d(m, [k, batch, width]);
  });
}

/** Each run's own epoch order (trainRun's epochOrder on its own stream), offset to its rows of xAll: [K·n]. */
function epochRows(members: Member[], datasets: Dataset[], batch: number, rngs: Rng[]): Int32Array {
  const n = datasets[0]!.train.n;
  const rows = new Int32Array(members.length * n);
  members.forEach((m, i) => {
    const perm = epochOrder(m.spec.train.batching, datasets[i]!.train, batch, rngs[i]!);
    for (let j = 0; j < n; j++) rows[i * n + j] = (perm[j] as number) + i * n;
  });
  return rows;
}

/** The rows of xAll of one step's K batches: positions [from, from + batch) of each run's epoch order. */
function batchRows(order: Int32Array, k: number, n: number, from: number, batch: number): Int32Array {
  const rows = new Int32Array(k * batch);
  for (let i = 0; i < k; i++) rows.set(order.subarray(i * n + from, i * n + from + batch), i * batch);
  return rows;
}

/** Per-run bookkeeping: its curve, first loss, and where it stopped. */
interface Member {
  spec: RunSpec;
  evalSets: EvalSet[];
  curve: EvalRecord[];
  firstLoss: number;
  active: boolean;
  status: RunResult['status'];
  steps: number;
  gammaSmallFrac?: number;
}

/**
 * Evaluates member k (a slice of the stacked model) as trainRun's `measure` does; returns whether it
 * diverged. A member that stops (diverged, or at the end) gets its γ summary from this same slice.
 */
async function measureMember(
  s: StackedMlp,
  k: number,
  member: Member,
  at: number,
  total: number,
  stepsPerEpoch: number,
  hooks: GroupHooks,
): Promise<boolean> {
  const mlp = sliceModel(s, k);
  try {
    const metrics = await evaluate(mlp, member.evalSets);
    const bad = Object.values(metrics).some((m) => !Number.isFinite(m.loss));
    const record: EvalRecord = { step: at, epoch: at / stepsPerEpoch, metrics };
    member.curve.push(record);
    hooks.onEval?.(k, record, total);
    const loss = metrics.train?.loss ?? NaN;
    if (member.curve.length === 1) member.firstLoss = loss;
    const diverged = bad || isDiverged(loss, member.firstLoss, member.spec.train.divergeFactor);
    if (diverged || at === total) {
      member.active = false;
      member.steps = at;
      if (diverged) member.status = 'diverged';
      const frac = await smallGammaFractionOf(mlp);
      if (frac !== undefined) member.gammaSmallFrac = frac;
    }
    return diverged;
  } finally {
    disposeMlp(mlp);
  }
}

/**
 * Trains runs that share a vectorized step (config/vector-groups.ts) as one batch of models and returns
 * one RunResult per spec, in order, with the curve, status and steps trainRun would give. A member that
 * diverges is recorded at that evaluation and its later rows stop (the stacked model keeps computing its
 * slice, which touches no other model). wallSeconds is the group's time divided equally.
 */
export async function trainGroup(specs: RunSpec[], datasets: Dataset[], hooks: GroupHooks = {}): Promise<RunResult[]> {
  const now = hooks.now ?? (() => performance.now() / 1000);
  const started = now();
  checkGroup(specs, datasets);
  const k = specs.length;
  const { train, model } = specs[0]!;
  const d0 = datasets[0]!;
  const { n, features } = d0.train;
  const classes = d0.classes;
  const batch = train.batchSize;
  const stepsPerEpoch = Math.floor(n / batch);
  if (stepsPerEpoch < 1) throw new Error(`the training set has ${n} examples, fewer than train.batchSize (${batch})`);
  const total = runSteps(specs[0]!, n);
  const orderRngs = specs.map((s) => Rng.derive(s.seed, 'order'));
  const dropoutRngs = specs.map((s) => Rng.derive(s.seed, 'dropout'));
  const withDropout = specs.some((s) => s.model.dropout > 0);

  const optimizer = makeStackedOptimizer(specs.map((s) => s.train));
  const stacked = buildStackedMlp(specs.map((s) => s.model), features, classes, specs.map((s) => Rng.derive(s.seed, 'init')), specs.map((s) => s.resolved.bn));
  const trainer = makeStackedTrainer(stacked, optimizer);
  const xAll = concatRows(datasets.map((d) => d.train), features, (s) => s.x);
  const yAll = concatRows(datasets.map((d) => d.train), classes, (s) => oneHot(s.y, classes));
  const members: Member[] = specs.map((spec, i) => {
    const d = datasets[i]!;
    const evalSets = [
      toEvalSet('train', d.train, classes, spec.train.evalTrainSize),
      toEvalSet('test', d.test, classes),
      ...Object.entries(d.extra).map(([name, split]) => toEvalSet(name, split, classes)),
    ];
    return { spec, evalSets, curve: [], firstLoss: NaN, active: true, status: 'ok', steps: 0 };
  });
  const measure = async (at: number): Promise<void> => {
    for (const [i, m] of members.entries()) if (m.active) await measureMember(stacked, i, m, at, total, stepsPerEpoch, hooks);
  };

  let order: Int32Array = new Int32Array(0); // this epoch's rows of xAll, model by model
  try {
    await measure(0);
    for (let steps = 0; steps < total && members.some((m) => m.active); ) {
      const inEpoch = steps % stepsPerEpoch;
      if (inEpoch === 0) order = epochRows(members, datasets, batch, orderRngs);
      // One gather per step for all K batches (a wasm slice would copy the whole epoch tensor each step).
      const [xb, yb] = tf.tidy(() => {
        const rows = tf.tensor1d(batchRows(order, k, n, inEpoch * batch, batch), 'int32');
        return [tf.reshape(tf.gather(xAll, rows), [k, batch, features]), tf.reshape(tf.gather(yAll, rows), [k, batch, classes])];
      }) as [tf.Tensor3D, tf.Tensor3D];
      const masks = withDropout ? stackedDropoutMasks(specs, dropoutRngs, batch, model.width, model.depth) : undefined;
      trainer.step(xb, yb, masks);
      tf.dispose([xb, yb, ...(masks ?? [])]);
      steps++;
      if (steps % train.evalEvery === 0 || steps === total) await measure(steps);
    }
  } finally {
    tf.dispose([xAll, yAll]);
    for (const m of members) for (const s of m.evalSets) tf.dispose([s.x, s.y, s.onehot]);
    trainer.dispose();
    optimizer.dispose();
    disposeStackedMlp(stacked);
  }
  const wallSeconds = (now() - started) / k;
  return members.map((m) => {
    const result: RunResult = { spec: m.spec, status: m.status, steps: m.steps, curve: m.curve, wallSeconds };
    if (m.gammaSmallFrac !== undefined) result.gammaSmallFrac = m.gammaSmallFrac;
    return result;
  });
}
