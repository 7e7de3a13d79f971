import { tf } from '../tf.js';
import { isDiverged } from '../record/convergence.js';
import { smallGammaFraction } from '../stats/gamma.js';
import { batchOf, epochOrder } from '../data/batching.js';
import { leadingRows } from '../data/split.js';
import { trainPhaseAt } from '../data/drift.js';
import { oneHot } from '../data/onehot.js';
import { runSteps } from '../plan/estimate.js';
import { vectorGroupKey } from '../plan/groups.js';
import { Rng } from '../stats/rng.js';
import { drawNoise } from '../model/bn/noisy.js';
import { buildMlps, disposeMlp, refreshSlice, sliceModel, type LayerNoise, type Mlp } from '../model/mlp.js';
import type { NoisyConfig } from '../config/schema.js';
import type { Dataset, EvalRecord, RunResult, RunSpec, Split } from '../types.js';
import { ModeEvaluator } from './eval-modes.js';
import { disposeEvalSets, evaluate, toEvalSet, type EvalSet } from './evaluate.js';
import { makeOptimizer } from './optimizer.js';
import { LayerProber } from './probes.js';
import { makeTrainStep, type StepCapture } from './step.js';

/*
 * The training loop, for a group of K runs trained as one batch of models (`run --vectorize K`; a single
 * run is K = 1). Every run keeps its own data, init, batch order, dropout and noise streams, its own
 * evaluations, probes, eval modes and divergence, so each result equals the run's result alone
 * (bit-identical on wasm: loop.test.ts).
 */

/** Callbacks of a run in progress (progress display, probes). */
export interface RunHooks {
  /** Called after each evaluation with the record just measured and the total step count. */
  onEval?: (record: EvalRecord, totalSteps: number) => void;
  /** Wall clock in seconds (injected for tests). */
  now?: () => number;
  /**
   * Called with the trained model and the evaluation sets before they are disposed (bn-exp identity);
   * `lastStep` is the index of the last step taken (the BN schedules' state of the trained model).
   */
  onTrained?: (mlp: Mlp, sets: EvalSet[], lastStep: number) => Promise<void> | void;
}

/** Callbacks of a group in progress; `member` is the run's position in the group. */
export interface GroupHooks {
  onEval?: (member: number, record: EvalRecord, totalSteps: number) => void;
  /** Wall clock in seconds (injected for tests). */
  now?: () => number;
  /** As RunHooks.onTrained, with member's model alone (K = 1), when the member stops. */
  onTrained?: (member: number, mlp: Mlp, sets: EvalSet[], lastStep: number) => Promise<void> | void;
}

/** Frankle et al.'s "disabled features": the fraction of hidden BN units with |γ| < 0.05·mean|γ| (a K = 1 model). */
export async function smallGammaFractionOf(mlp: Mlp): Promise<number | undefined> {
  const gammas = mlp.hidden.flatMap((l) => (l.bn ? [l.bn.gamma] : []));
  if (gammas.length === 0) return undefined;
  const all = tf.tidy(() => tf.concat(gammas.map((g) => tf.reshape(g, [-1]))));
  const values = (await all.data()) as Float32Array;
  all.dispose();
  return smallGammaFraction(values);
}

/** Why these datasets cannot share a step (their inputs or classes differ), or undefined. */
export function datasetMismatch(datasets: Dataset[]): string | undefined {
  const shape = (d: Dataset): string => JSON.stringify([d.classes, d.train.features]);
  const first = shape(datasets[0]!);
  const i = datasets.findIndex((d) => shape(d) !== first);
  return i < 0 ? undefined : `run ${i} of the group has data of another shape (${shape(datasets[i]!)} vs ${first})`;
}

function checkGroup(specs: RunSpec[], datasets: Dataset[]): void {
  if (specs.length === 0 || specs.length !== datasets.length) throw new Error('trainGroup: one dataset per spec, at least one spec');
  if (specs.length > 1) {
    const key = vectorGroupKey(specs[0]!);
    if (specs.some((s) => vectorGroupKey(s) !== key)) throw new Error('trainGroup: these runs cannot share a vectorized step');
  }
  const why = datasetMismatch(datasets);
  if (why !== undefined) throw new Error(`trainGroup: ${why}`);
}

/** One run of the group: its data, streams, evaluation, probes and where it stopped. */
interface Member {
  spec: RunSpec;
  data: Dataset;
  /** Its model alone (K = 1): the group model itself at K = 1, else a copy refreshed before each use. */
  view: Mlp;
  stepsPerEpoch: number;
  total: number;
  orderRng: Rng;
  dropoutRng: Rng;
  noiseRng: Rng;
  split: Split;
  epoch: Int32Array;
  evalSets: EvalSet[];
  prober?: LayerProber;
  modes?: ModeEvaluator;
  curve: EvalRecord[];
  firstLoss: number;
  active: boolean;
  status: RunResult['status'];
  steps: number;
  gammaSmallFrac?: number;
}

/** Dropout masks [K, B, W] per hidden layer: an active member's block drawn from its own stream as a single run draws it, ones otherwise. */
function dropoutMasks(members: Member[], batch: number, width: number, depth: number): tf.Tensor3D[] {
  const k = members.length;
  const block = batch * width;
  return Array.from({ length: depth }, () => {
    const m = new Float32Array(k * block);
    members.forEach((member, i) => {
      const p = member.spec.model.dropout;
      if (p === 0 || !member.active) {
        m.fill(1, i * block, (i + 1) * block); // a single run draws nothing here
        return;
      }
      const keep = 1 / (1 - p);
      for (let j = i * block; j < (i + 1) * block; j++) m[j] = member.dropoutRng.uniform() < p ? 0 : keep;
    });
    return tf.tensor3d(m, [k, batch, width]);
  });
}

/** The capture of member k alone, keyed by its view's variable names (the group capture at K = 1). */
function memberCapture(cap: StepCapture, mlp: Mlp, view: Mlp, k: number): StepCapture {
  if (view === mlp) return cap;
  const one = <T extends tf.Tensor>(t: T): T => tf.keep(tf.slice(t, k, 1));
  const names = new Map<string, string>();
  const from = [...mlp.hidden.flatMap((l) => [l.w, l.b, l.bn?.gamma, l.bn?.beta]), mlp.out.w, mlp.out.b, mlp.inputBn?.gamma, mlp.inputBn?.beta];
  const to = [...view.hidden.flatMap((l) => [l.w, l.b, l.bn?.gamma, l.bn?.beta]), view.out.w, view.out.b, view.inputBn?.gamma, view.inputBn?.beta];
  from.forEach((v, i) => v && names.set(v.name, to[i]!.name));
  const grads: tf.NamedTensorMap = {};
  for (const [name, g] of Object.entries(cap.grads)) grads[names.get(name)!] = one(g);
  return {
    grads,
    moments: cap.moments.map((m) => m && { mean: one(m.mean), variance: one(m.variance) }),
    preActivations: cap.preActivations.map(one),
    loss: one(cap.loss),
  };
}

/**
 * Trains runs that share a vectorized step (plan/groups.ts; one run alone is a group of one) as one
 * batch of models and returns one RunResult per spec, in order. A member that diverges is recorded at
 * that evaluation and its later rows stop (the group keeps computing its slice, which touches no other
 * model); a member that ends earlier (fewer steps per epoch) likewise. wallSeconds is the group's time
 * divided equally.
 */
export async function trainGroup(specs: RunSpec[], datasets: Dataset[], hooks: GroupHooks = {}): Promise<RunResult[]> {
  const now = hooks.now ?? (() => performance.now() / 1000);
  const started = now();
  checkGroup(specs, datasets);
  const k = specs.length;
  const { train, model } = specs[0]!;
  const { features } = datasets[0]!.train;
  const classes = datasets[0]!.classes;
  const batch = train.batchSize;
  for (const d of datasets) {
    // The last partial batch is dropped (BN needs full batches).
    if (d.train.n < batch) throw new Error(`the training set has ${d.train.n} examples, fewer than train.batchSize (${batch})`);
  }
  const noisy = specs[0]!.resolved.noisy;

  // The optimizer first: a config it rejects then throws before any tensor of the run exists. Everything
  // made after it is registered with `own` and released in reverse order however the run ends, a throw
  // while setting up included.
  const optimizer = makeOptimizer(specs.map((s) => s.train));
  const release: (() => void)[] = [() => optimizer.dispose()];
  const own = <T>(value: T, dispose: (v: T) => void): T => {
    release.push(() => dispose(value));
    return value;
  };
  try {
    const configs = specs.map((s) => s.model);
    const mlp = own(buildMlps(configs, features, classes, specs.map((s) => Rng.derive(s.seed, 'init')), specs[0]!.resolved.bn), disposeMlp);
    const step = makeTrainStep(mlp, optimizer);
    const normBatch = mlp.bn.statRows(batch); // rows per BN statistic in training
    const widths = mlp.hidden.map((l) => l.w.shape[2]);
    const members: Member[] = specs.map((spec, i) => {
      const data = datasets[i]!;
      const n = data.train.n;
      const stepsPerEpoch = Math.floor(n / batch);
      const view = k === 1 ? mlp : own(sliceModel(mlp, i), disposeMlp);
      const evalSets = own<EvalSet[]>([], disposeEvalSets);
      // On the backend whole only where something uses them whole (eval modes, the onTrained hook);
      // otherwise each evaluation uploads a chunk at a time, so a large test set is never held twice.
      const resident = Boolean(spec.eval) || hooks.onTrained !== undefined;
      evalSets.push(toEvalSet('train', data.train, classes, spec.train.evalTrainSize, resident), toEvalSet('test', data.test, classes, undefined, resident));
      for (const [name, split] of Object.entries(data.extra)) evalSets.push(toEvalSet(name, split, classes, undefined, resident));
      // The whole training set on the backend only for the population statistics of `eval` modes.
      const xTrain = spec.eval ? own(tf.tensor2d(leadingRows(data.train), [n, features]), (t) => t.dispose()) : undefined;
      const member: Member = {
        spec,
        data,
        view,
        stepsPerEpoch,
        total: runSteps(spec, n),
        orderRng: Rng.derive(spec.seed, 'order'),
        dropoutRng: Rng.derive(spec.seed, 'dropout'),
        noiseRng: Rng.derive(spec.seed, 'noise'),
        split: data.train,
        epoch: new Int32Array(0), // this epoch's order of the training rows
        evalSets,
        curve: [],
        firstLoss: NaN,
        active: true,
        status: 'ok',
        steps: 0,
      };
      if (spec.probes) {
        const probeSplit = spec.probes.set === 'train' ? data.train : data.test;
        const probeN = Math.min(spec.probes.size, probeSplit.n);
        const probeX =
          spec.probes.set !== 'batch'
            ? own(tf.tensor3d(leadingRows(probeSplit, probeN), [1, probeN, features]), (t) => t.dispose())
            : undefined;
        const probeNoiseRng = Rng.derive(spec.seed, 'noise', 'probes'); // probes never draw from training streams
        const probeNoise = noisy ? (rows: number): LayerNoise[] => drawNoise(widths, rows, [noisy], [probeNoiseRng]) : undefined;
        member.prober = new LayerProber(view, spec.probes, spec.id, probeX, spec.train.learningRate, normBatch, probeNoise);
      }
      if (spec.eval && xTrain) member.modes = own(new ModeEvaluator(view, spec.eval, evalSets, xTrain, normBatch, spec.seed), (m) => m.dispose());
      return member;
    });
    const viewOf = (i: number): Mlp => {
      const m = members[i]!;
      if (m.view !== mlp) refreshSlice(m.view, mlp, i);
      return m.view;
    };

    /** Member i's evaluation after `at` steps; a member that stops (diverged, or at its end) is finished here. */
    const measure = async (i: number, at: number): Promise<void> => {
      const m = members[i]!;
      const view = viewOf(i);
      const metrics = await evaluate(view, m.evalSets);
      const bad = Object.values(metrics).some((r) => !Number.isFinite(r.loss)); // moving mode only
      const modesEveryEval = m.spec.eval?.curves ?? true;
      if (m.modes?.active && (modesEveryEval || at === m.total)) Object.assign(metrics, await m.modes.evaluate());
      const record: EvalRecord = { step: at, epoch: at / m.stepsPerEpoch, metrics };
      m.curve.push(record);
      hooks.onEval?.(i, record, m.total);
      const loss = metrics.train?.loss ?? NaN;
      if (m.curve.length === 1) m.firstLoss = loss;
      const diverged = bad || isDiverged(loss, m.firstLoss, m.spec.train.divergeFactor);
      if (!diverged && at < m.total) return;
      m.active = false;
      m.steps = at;
      if (diverged) m.status = 'diverged';
      if (m.modes?.active && !modesEveryEval && at !== m.total) Object.assign(record.metrics, await m.modes.evaluate());
      const frac = await smallGammaFractionOf(view);
      if (frac !== undefined) m.gammaSmallFrac = frac;
      await hooks.onTrained?.(i, view, m.evalSets, Math.max(0, at - 1));
    };

    for (let i = 0; i < k; i++) await measure(i, 0);
    const xs = new Float32Array(k * batch * features);
    const ys = new Float32Array(k * batch * classes);
    for (let steps = 0; members.some((m) => m.active); ) {
      // Each active member's batch, assembled in JS and uploaded once: on wasm, slicing an on-backend
      // epoch tensor copies the whole tensor out of the heap first (157 ms per step at 60000 x 784).
      xs.fill(0);
      ys.fill(0);
      members.forEach((m, i) => {
        if (!m.active) return; // its slice computes on zeros; nothing of it is recorded any more
        const inEpoch = steps % m.stepsPerEpoch;
        if (inEpoch === 0) {
          m.split = trainPhaseAt(m.data, steps, m.total); // the drift phase in use
          m.epoch = epochOrder(m.spec.train.batching, m.split, batch, m.orderRng);
        }
        const rows = batchOf(m.split, m.epoch.subarray(inEpoch * batch, (inEpoch + 1) * batch));
        xs.set(rows.x, i * batch * features);
        ys.set(oneHot(rows.y, classes), i * batch * classes);
      });
      const xb = tf.tensor3d(xs, [k, batch, features]);
      const yb = tf.tensor3d(ys, [k, batch, classes]);
      const masks = members.some((m) => m.spec.model.dropout > 0) ? dropoutMasks(members, batch, model.width, model.depth) : undefined;
      const noise = noisy ? drawNoise(widths, batch, members.map((m) => m.spec.resolved.noisy ?? (noisy as NoisyConfig)), members.map((m) => m.noiseRng)) : undefined;
      try {
        const opts = { step: steps, masks, noise };
        const probed = members.flatMap((m, i) => (m.active && m.prober?.due(steps) ? [i] : []));
        if (probed.length === 0) step(xb, yb, opts);
        else {
          const one = <T extends tf.Tensor>(t: T, i: number): T => (k === 1 ? t : tf.slice(t, i, 1));
          const inputs = probed.map((i) =>
            tf.tidy(() => ({
              x: tf.keep(one(xb, i)),
              y: tf.keep(one(yb, i)),
              masks: masks?.map((t) => tf.keep(one(t, i))),
              noise: noise?.map((z) => ({ scale: tf.keep(one(z.scale, i)), shift: tf.keep(one(z.shift, i)) })),
            })),
          );
          try {
            const pending = probed.map((i, j) => {
              const { x, y, masks: mk, noise: nz } = inputs[j]!;
              viewOf(i); // the model at W_t
              return members[i]!.prober!.begin(steps, x, y, mk, nz);
            });
            const cap = step(xb, yb, { ...opts, capture: true })!;
            try {
              for (const [j, i] of probed.entries()) {
                const view = viewOf(i); // the model at W_{t+1}
                await members[i]!.prober!.finish(pending[j]!, memberCapture(cap, mlp, view, i));
              }
            } finally {
              if (k > 1) disposeCapture(cap);
            }
          } finally {
            if (k > 1) for (const t of inputs) tf.dispose([t.x, t.y, ...(t.masks ?? []), ...(t.noise ?? []).flatMap((z) => [z.scale, z.shift])]);
          }
        }
      } finally {
        tf.dispose([xb, yb, ...(masks ?? []), ...(noise ?? []).flatMap((z) => [z.scale, z.shift])]);
      }
      steps++;
      for (const [i, m] of members.entries()) {
        if (m.active && (steps % m.spec.train.evalEvery === 0 || steps === m.total)) await measure(i, steps);
      }
    }

    const wallSeconds = (now() - started) / k;
    return members.map((m) => {
      const result: RunResult = { spec: m.spec, status: m.status, steps: m.steps, curve: m.curve, wallSeconds };
      if (m.gammaSmallFrac !== undefined) result.gammaSmallFrac = m.gammaSmallFrac;
      if (m.prober) {
        result.layers = m.prober.rows;
        result.landscape = m.prober.landscapeRows;
        result.probeSummary = m.prober.summary();
      }
      return result;
    });
  } finally {
    for (const dispose of release.reverse()) dispose();
  }
}

/** Disposes the tensors of a group capture. */
function disposeCapture(cap: StepCapture): void {
  tf.dispose([cap.loss, ...Object.values(cap.grads), ...cap.preActivations]);
  for (const m of cap.moments) if (m) tf.dispose([m.mean, m.variance]);
}

/**
 * Trains one run to completion (or divergence) and returns its curve: a group of one. Everything random
 * comes from streams derived from the run's seed, so the same spec on the same backend gives the same numbers.
 */
export async function trainRun(spec: RunSpec, data: Dataset, hooks: RunHooks = {}): Promise<RunResult> {
  const group: GroupHooks = {};
  if (hooks.now) group.now = hooks.now;
  if (hooks.onEval) group.onEval = (_, record, total) => hooks.onEval!(record, total);
  if (hooks.onTrained) group.onTrained = (_, mlp, sets, lastStep) => hooks.onTrained!(mlp, sets, lastStep);
  const [result] = await trainGroup([spec], [data], group);
  return result!;
}
