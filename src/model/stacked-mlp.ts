import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../config/schema.js';
import type { BnChoice } from '../config/resolve.js';
import type { Rng } from '../stats/rng.js';
import { activate, buildMlp, disposeMlp, type BnParams, type Mlp } from './mlp.js';
import { bnVariantOf } from './bn/registry.js';
import { stackedBatchNormTrain, stackedLinear, type StackedMoments } from './stacked-ops.js';

/** A BN layer of K models: γ, β and the moving statistics, each [K, 1, W]. */
export interface StackedBn {
  gamma: tf.Variable<tf.Rank.R3>;
  beta: tf.Variable<tf.Rank.R3>;
  movingMean: tf.Variable<tf.Rank.R3>;
  movingVar: tf.Variable<tf.Rank.R3>;
}

/** One hidden layer of K models: w [K, in, out], b [K, 1, out] (absent with BN before), BN. */
export interface StackedLayer {
  w: tf.Variable<tf.Rank.R3>;
  b?: tf.Variable<tf.Rank.R3>;
  bn?: StackedBn;
}

/**
 * K MLPs of one shape with their parameters stacked on a leading model axis. `configs[k]` is model k's
 * own config: they agree on everything that shapes the network (see config/vector-groups.ts) and may
 * differ in values (init, bnMomentum, dropout).
 */
export interface StackedMlp {
  k: number;
  configs: ModelConfig[];
  /** Model k's resolved BN variant (standard or ghost: the runner never groups Batch Renorm). */
  bns: BnChoice[];
  hidden: StackedLayer[];
  out: { w: tf.Variable<tf.Rank.R3>; b: tf.Variable<tf.Rank.R3> };
}

/** Stacks one variable of each model: 2-D [in, out] -> [K, in, out]; 1-D [W] -> [K, 1, W]. */
function stackVariable(vs: tf.Variable[]): tf.Variable<tf.Rank.R3> {
  const stacked = tf.tidy(() => {
    const s = tf.stack(vs);
    return s.rank === 2 ? tf.expandDims(s, 1) : s;
  }) as tf.Tensor3D;
  const v = tf.variable(stacked, vs[0]!.trainable);
  stacked.dispose();
  return v;
}

function stackBn(bns: BnParams[]): StackedBn {
  return {
    gamma: stackVariable(bns.map((b) => b.gamma)),
    beta: stackVariable(bns.map((b) => b.beta)),
    movingMean: stackVariable(bns.map((b) => b.movingMean)),
    movingVar: stackVariable(bns.map((b) => b.movingVar)),
  };
}

/**
 * K models built exactly as K separate runs build theirs (buildMlp with each run's own init stream),
 * then stacked. Input BN and Batch Renorm are not supported (the runner never groups them).
 */
export function buildStackedMlp(configs: ModelConfig[], features: number, classes: number, rngs: Rng[], bns: BnChoice[]): StackedMlp {
  const mlps = configs.map((c, k) => buildMlp(c, features, classes, rngs[k]!, bns[k]!));
  try {
    const first = mlps[0]!;
    if (first.inputBn || first.bn.readsMoving) throw new Error('vectorized training supports neither input BN nor batch renorm');
    const hidden = first.hidden.map((layer, l): StackedLayer => {
      const s: StackedLayer = { w: stackVariable(mlps.map((m) => m.hidden[l]!.w)) };
      if (layer.b) s.b = stackVariable(mlps.map((m) => m.hidden[l]!.b!));
      if (layer.bn) s.bn = stackBn(mlps.map((m) => m.hidden[l]!.bn!));
      return s;
    });
    const out = { w: stackVariable(mlps.map((m) => m.out.w)), b: stackVariable(mlps.map((m) => m.out.b)) };
    return { k: configs.length, configs, bns, hidden, out };
  } finally {
    mlps.forEach(disposeMlp);
  }
}

/** Every variable, BN moving statistics included, in a fixed order. */
export function stackedVariables(s: StackedMlp): tf.Variable[] {
  const vars: tf.Variable[] = [];
  for (const l of s.hidden) {
    vars.push(l.w);
    if (l.b) vars.push(l.b);
    if (l.bn) vars.push(l.bn.gamma, l.bn.beta, l.bn.movingMean, l.bn.movingVar);
  }
  vars.push(s.out.w, s.out.b);
  return vars;
}

/** The variables the optimizer updates (the same kinds buildMlp marks trainable). */
export function stackedTrainables(s: StackedMlp): tf.Variable[] {
  return stackedVariables(s).filter((v) => v.trainable);
}

/** Disposes every variable of the K models. */
export function disposeStackedMlp(s: StackedMlp): void {
  for (const v of stackedVariables(s)) v.dispose();
}

/** Model k's slice of a stacked variable as a fresh variable of the single-model shape. */
function sliceVariable(v: tf.Variable<tf.Rank.R3>, k: number, oneDim: boolean): tf.Variable {
  const t = tf.tidy(() => {
    const s = tf.squeeze(tf.slice(v, [k, 0, 0], [1, -1, -1]), [0]);
    return oneDim ? tf.squeeze(s, [0]) : s;
  });
  const out = tf.variable(t, v.trainable);
  t.dispose();
  return out;
}

/**
 * Model k as a plain Mlp (copies of its slices), for evaluate() and the γ summary; the caller disposes
 * it with disposeMlp.
 */
export function sliceModel(s: StackedMlp, k: number): Mlp {
  const vec = (v: tf.Variable<tf.Rank.R3>): tf.Variable<tf.Rank.R1> => sliceVariable(v, k, true) as tf.Variable<tf.Rank.R1>;
  const mat = (v: tf.Variable<tf.Rank.R3>): tf.Variable<tf.Rank.R2> => sliceVariable(v, k, false) as tf.Variable<tf.Rank.R2>;
  const hidden = s.hidden.map((l) => ({
    w: mat(l.w),
    ...(l.b ? { b: vec(l.b) } : {}),
    ...(l.bn
      ? { bn: { gamma: vec(l.bn.gamma), beta: vec(l.bn.beta), movingMean: vec(l.bn.movingMean), movingVar: vec(l.bn.movingVar) } }
      : {}),
  }));
  return { config: s.configs[k]!, hidden, out: { w: mat(s.out.w), b: vec(s.out.b) }, bn: bnVariantOf(s.configs[k]!, s.bns[k]!) };
}

/** What a training-mode forward pass of K models can hand back besides the logits. */
export interface StackedForwardHooks {
  /** Dropout masks per hidden layer, [K, B, W], already scaled by 1/(1−p) (ones for models without dropout). */
  masks?: tf.Tensor3D[];
  /** Receives each BN layer's batch moments (kept tensors; the receiver disposes them). */
  onMoments?: (layer: number, m: StackedMoments) => void;
}

/**
 * The training-mode forward pass of mlp.ts (matMul, bias, BN before/after the activation with batch
 * statistics, dropout) for K models at once: x [K, B, features] -> logits [K, B, classes].
 */
export function stackedForwardTrain(s: StackedMlp, x: tf.Tensor3D, hooks: StackedForwardHooks = {}): tf.Tensor3D {
  const { activation, batchNorm, bnEpsilon } = s.configs[0]!;
  let h = x;
  s.hidden.forEach((layer, l) => {
    let z = stackedLinear(h, layer.w, l > 0);
    if (layer.b) z = tf.add(z, layer.b);
    const bn = (t: tf.Tensor3D): tf.Tensor3D =>
      stackedBatchNormTrain(t, layer.bn!.gamma, layer.bn!.beta, bnEpsilon, hooks.onMoments && ((m) => hooks.onMoments!(l, m)));
    if (batchNorm === 'before') z = bn(z);
    h = activate(activation, z);
    if (batchNorm === 'after') h = bn(h);
    const mask = hooks.masks?.[l];
    if (mask) h = tf.mul(h, mask);
  });
  return tf.add(stackedLinear(h, s.out.w, s.hidden.length > 0), s.out.b);
}
