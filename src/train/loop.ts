import * as tf from '@tensorflow/tfjs';
import { isDiverged } from '../record/convergence.js';
import { smallGammaFraction } from '../stats/gamma.js';
import { batchOf, epochOrder } from '../data/batching.js';
import { trainPhaseAt } from '../data/drift.js';
import { oneHot } from '../data/onehot.js';
import { runSteps } from '../plan/estimate.js';
import { Rng } from '../stats/rng.js';
import { drawNoise } from '../model/bn/noisy.js';
import { buildMlp, disposeMlp, type LayerNoise, type Mlp } from '../model/mlp.js';
import type { Dataset, EvalRecord, RunResult, RunSpec, Split } from '../types.js';
import { ModeEvaluator } from './eval-modes.js';
import { evaluate, type EvalSet } from './evaluate.js';
import { disposeOptimizer, makeOptimizer } from './optimizer.js';
import { LayerProber } from './probes.js';
import { makeTrainStep } from './step.js';

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

/** The first `limit` rows of a split as an evaluation set on the backend. */
export function toEvalSet(name: string, split: Split, classes: number, limit = split.n): EvalSet {
  const n = Math.min(limit, split.n);
  return {
    name,
    n,
    x: tf.tensor2d(split.x.subarray(0, n * split.features), [n, split.features]),
    y: tf.tensor1d(split.y.subarray(0, n), 'int32'),
    onehot: tf.tensor2d(oneHot(split.y.subarray(0, n), classes), [n, classes]),
  };
}

/** Dropout masks for one step, drawn from the run's dropout stream and scaled by 1/(1−p). */
function dropoutMasks(mlp: Mlp, batch: number, rng: Rng): tf.Tensor2D[] {
  const p = mlp.config.dropout;
  const keep = 1 / (1 - p);
  return mlp.hidden.map((layer) => {
    const width = layer.w.shape[1];
    const m = new Float32Array(batch * width);
    for (let i = 0; i < m.length; i++) m[i] = rng.uniform() < p ? 0 : keep;
    return tf.tensor2d(m, [batch, width]);
  });
}

/** Frankle et al.'s "disabled features": the fraction of hidden BN units with |γ| < 0.05·mean|γ|. */
export async function smallGammaFractionOf(mlp: Mlp): Promise<number | undefined> {
  const gammas = mlp.hidden.flatMap((l) => (l.bn ? [l.bn.gamma] : []));
  if (gammas.length === 0) return undefined;
  const all = tf.concat(gammas);
  const values = (await all.data()) as Float32Array;
  all.dispose();
  return smallGammaFraction(values);
}

/**
 * Trains one run to completion (or divergence) and returns its curve. Everything random comes from
 * streams derived from the run's seed, so the same spec on the same backend gives the same numbers.
 */
export async function trainRun(spec: RunSpec, data: Dataset, hooks: RunHooks = {}): Promise<RunResult> {
  const now = hooks.now ?? (() => performance.now() / 1000);
  const started = now();
  const { train, model } = spec;
  const initRng = Rng.derive(spec.seed, 'init');
  const orderRng = Rng.derive(spec.seed, 'order');
  const dropoutRng = Rng.derive(spec.seed, 'dropout');
  const noiseRng = Rng.derive(spec.seed, 'noise');
  const noisy = spec.resolved.noisy;

  const n = data.train.n;
  const features = data.train.features;
  const batch = train.batchSize;
  const stepsPerEpoch = Math.floor(n / batch); // the last partial batch is dropped (BN needs full batches)
  if (stepsPerEpoch < 1) throw new Error(`the training set has ${n} examples, fewer than train.batchSize (${batch})`);
  const total = runSteps(spec, n);

  // The optimizer first: a config it rejects then throws before any tensor of the run exists. Everything
  // made after it is registered with `own` and released in reverse order however the run ends, a throw
  // while setting up included.
  const optimizer = makeOptimizer(train);
  const release: (() => void)[] = [() => disposeOptimizer(optimizer)];
  const own = <T>(value: T, dispose: (v: T) => void): T => {
    release.push(() => dispose(value));
    return value;
  };
  try {
    const mlp = own(buildMlp(model, features, data.classes, initRng, spec.resolved.bn), disposeMlp);
    const step = makeTrainStep(mlp, optimizer);
    const normBatch = mlp.bn.statRows(batch); // rows per BN statistic in training
    const widths = mlp.hidden.map((l) => l.w.shape[1]);
    let trainSplit = data.train;
    // The whole training set on the backend only for the population statistics of `eval` modes.
    const xTrain = spec.eval ? own(tf.tensor2d(trainSplit.x, [n, features]), (t) => t.dispose()) : undefined;
    const evalSets = own<EvalSet[]>([], (sets) => sets.forEach((s) => tf.dispose([s.x, s.y, s.onehot])));
    evalSets.push(toEvalSet('train', data.train, data.classes, train.evalTrainSize), toEvalSet('test', data.test, data.classes));
    for (const [name, split] of Object.entries(data.extra)) evalSets.push(toEvalSet(name, split, data.classes));

    const probeSplit = spec.probes?.set === 'train' ? data.train : data.test;
    const probeN = Math.min(spec.probes?.size ?? 0, probeSplit.n);
    const probeX =
      spec.probes && spec.probes.set !== 'batch'
        ? own(tf.tensor2d(probeSplit.x.subarray(0, probeN * features), [probeN, features]), (t) => t.dispose())
        : undefined;
    const probeNoiseRng = Rng.derive(spec.seed, 'noise', 'probes'); // probes never draw from training streams
    const probeNoise = noisy ? (rows: number): LayerNoise[] => drawNoise(widths, rows, noisy, probeNoiseRng) : undefined;
    const prober = spec.probes
      ? new LayerProber(mlp, spec.probes, spec.id, probeX, train.learningRate, normBatch, probeNoise)
      : undefined;
    const modes =
      spec.eval && xTrain ? own(new ModeEvaluator(mlp, spec.eval, evalSets, xTrain, normBatch, spec.seed), (m) => m.dispose()) : undefined;
    const modesEveryEval = spec.eval?.curves ?? true;

    const curve: EvalRecord[] = [];
    let steps = 0;
    let firstLoss = NaN;
    let epoch: Int32Array = new Int32Array(0); // this epoch's order of the training rows

    const measure = async (at: number): Promise<boolean> => {
      const metrics = await evaluate(mlp, evalSets);
      const bad = Object.values(metrics).some((m) => !Number.isFinite(m.loss)); // moving mode only
      if (modes?.active && (modesEveryEval || at === total)) Object.assign(metrics, await modes.evaluate());
      const record: EvalRecord = { step: at, epoch: at / stepsPerEpoch, metrics };
      curve.push(record);
      hooks.onEval?.(record, total);
      const loss = metrics.train?.loss ?? NaN;
      if (curve.length === 1) firstLoss = loss;
      return bad || isDiverged(loss, firstLoss, train.divergeFactor);
    };

    let diverged = await measure(0);
    while (!diverged && steps < total) {
      const inEpoch = steps % stepsPerEpoch;
      if (inEpoch === 0) {
        trainSplit = trainPhaseAt(data, steps, total); // the drift phase in use
        epoch = epochOrder(train.batching, trainSplit, batch, orderRng);
      }
      // The batch is assembled here and uploaded (batch x features values): on wasm, tf.slice of an
      // on-backend epoch tensor copies the whole tensor out of the heap first (157 ms per step at 60000 x 784).
      const rows = batchOf(trainSplit, epoch.subarray(inEpoch * batch, (inEpoch + 1) * batch));
      const xb = tf.tensor2d(rows.x, [batch, features]);
      const yb = tf.tensor2d(oneHot(rows.y, data.classes), [batch, data.classes]);
      const masks = model.dropout > 0 ? dropoutMasks(mlp, batch, dropoutRng) : undefined;
      const noise = noisy ? drawNoise(widths, batch, noisy, noiseRng) : undefined;
      try {
        const opts = { step: steps, masks, noise };
        if (prober?.due(steps)) await prober.probe(steps, xb, yb, masks, () => step(xb, yb, { ...opts, capture: true })!, noise);
        else step(xb, yb, opts);
      } finally {
        tf.dispose([xb, yb, ...(masks ?? []), ...(noise ?? []).flatMap((z) => [z.scale, z.shift])]);
      }
      steps++;
      if (steps % train.evalEvery === 0 || steps === total) diverged = await measure(steps);
    }
    const last = curve.at(-1);
    if (modes?.active && !modesEveryEval && last && last.step !== total) Object.assign(last.metrics, await modes.evaluate());
    const gammaSmallFrac = await smallGammaFractionOf(mlp);
    await hooks.onTrained?.(mlp, evalSets, Math.max(0, steps - 1));

    const result: RunResult = { spec, status: diverged ? 'diverged' : 'ok', steps, curve, wallSeconds: now() - started };
    if (gammaSmallFrac !== undefined) result.gammaSmallFrac = gammaSmallFrac;
    if (prober) {
      result.layers = prober.rows;
      result.landscape = prober.landscapeRows;
      result.probeSummary = prober.summary();
    }
    return result;
  } finally {
    for (const dispose of release.reverse()) dispose();
  }
}
