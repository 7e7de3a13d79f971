import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../config/schema.js';
import type { Rng } from '../data/rng.js';
import { initWeights } from './init.js';
import { batchNormTrain, linear, type BatchMoments } from './ops.js';

/** One hidden layer: z = h·W (+ b), BN before or after the activation, dropout after. */
export interface HiddenLayer {
  w: tf.Variable<tf.Rank.R2>;
  /** Dropped when BN comes right after the matMul (β subsumes it). */
  b?: tf.Variable<tf.Rank.R1>;
  bn?: {
    gamma: tf.Variable<tf.Rank.R1>;
    beta: tf.Variable<tf.Rank.R1>;
    movingMean: tf.Variable<tf.Rank.R1>;
    movingVar: tf.Variable<tf.Rank.R1>;
  };
}

/** An MLP made of tfjs variables: hidden layers and a linear output layer producing logits. */
export interface Mlp {
  config: ModelConfig;
  hidden: HiddenLayer[];
  out: { w: tf.Variable<tf.Rank.R2>; b: tf.Variable<tf.Rank.R1> };
}

/** What a forward pass in training mode can hand to its caller besides the logits. */
export interface TrainForwardHooks {
  /** Dropout masks per hidden layer, already scaled by 1/(1−p); absent = no dropout. */
  masks?: (tf.Tensor2D | undefined)[];
  /** Receives each BN layer's batch moments (kept tensors; the receiver disposes them). */
  onMoments?: (layer: number, m: BatchMoments) => void;
  /** Receives each layer's pre-activation (the input to the nonlinearity). */
  onPreActivation?: (layer: number, a: tf.Tensor2D) => void;
  /** Receives each BN layer's input (before normalization). */
  onBnInput?: (layer: number, z: tf.Tensor2D) => void;
}

/** A variable initialised from a fresh tensor (the tensor itself is disposed). */
function newVariable<R extends tf.Rank>(init: tf.Tensor<R>, trainable: boolean): tf.Variable<R> {
  const v = tf.variable(init, trainable);
  init.dispose();
  return v;
}

/** Builds an MLP features -> depth x width -> classes with seeded initial weights. */
export function buildMlp(config: ModelConfig, features: number, classes: number, rng: Rng): Mlp {
  const hidden: HiddenLayer[] = [];
  let fanIn = features;
  for (let l = 0; l < config.depth; l++) {
    const width = config.width;
    const w = newVariable(tf.tensor2d(initWeights(config, fanIn, width, rng), [fanIn, width]), true);
    const layer: HiddenLayer = { w };
    if (config.batchNorm !== 'before') layer.b = newVariable(tf.zeros([width]) as tf.Tensor1D, true);
    if (config.batchNorm !== 'off') {
      layer.bn = {
        gamma: newVariable(tf.ones([width]) as tf.Tensor1D, true),
        beta: newVariable(tf.zeros([width]) as tf.Tensor1D, true),
        movingMean: newVariable(tf.zeros([width]) as tf.Tensor1D, false),
        movingVar: newVariable(tf.ones([width]) as tf.Tensor1D, false),
      };
    }
    hidden.push(layer);
    fanIn = width;
  }
  // Output layer: Glorot-style scale for every init choice except `normal` (kept as configured).
  const outInit = config.init === 'normal' ? config : { init: 'glorot' as const, initScale: undefined };
  const out = {
    w: newVariable(tf.tensor2d(initWeights(outInit, fanIn, classes, rng), [fanIn, classes]), true),
    b: newVariable(tf.zeros([classes]) as tf.Tensor1D, true),
  };
  return { config, hidden, out };
}

/** The variables the optimizer updates (moving statistics excluded). */
export function trainableVariables(mlp: Mlp): tf.Variable[] {
  const vars: tf.Variable[] = [];
  for (const l of mlp.hidden) {
    vars.push(l.w);
    if (l.b) vars.push(l.b);
    if (l.bn) vars.push(l.bn.gamma, l.bn.beta);
  }
  vars.push(mlp.out.w, mlp.out.b);
  return vars;
}

/** Every variable of the model, including BN moving statistics. */
export function allVariables(mlp: Mlp): tf.Variable[] {
  const vars = trainableVariables(mlp);
  for (const l of mlp.hidden) if (l.bn) vars.push(l.bn.movingMean, l.bn.movingVar);
  return vars;
}

function activate(kind: ModelConfig['activation'], a: tf.Tensor2D): tf.Tensor2D {
  switch (kind) {
    case 'relu':
      return tf.relu(a);
    case 'tanh':
      return tf.tanh(a);
    case 'sigmoid':
      return tf.sigmoid(a);
    case 'linear':
      return a;
    default:
      throw new Error(`unsupported activation ${String(kind satisfies never)}`);
  }
}

/** Forward pass in training mode: BN uses batch statistics (moving averages untouched here). */
export function forwardTrain(mlp: Mlp, x: tf.Tensor2D, hooks: TrainForwardHooks = {}): tf.Tensor2D {
  const { activation, batchNorm, bnEpsilon } = mlp.config;
  let h = x;
  mlp.hidden.forEach((layer, l) => {
    let z = linear(h, layer.w);
    if (layer.b) z = tf.add(z, layer.b) as tf.Tensor2D;
    const bn = (t: tf.Tensor2D): tf.Tensor2D => {
      hooks.onBnInput?.(l, t);
      return batchNormTrain(t, layer.bn!.gamma, layer.bn!.beta, bnEpsilon, hooks.onMoments && ((m) => hooks.onMoments!(l, m)));
    };
    if (batchNorm === 'before') z = bn(z);
    hooks.onPreActivation?.(l, z);
    h = activate(activation, z);
    if (batchNorm === 'after') h = bn(h);
    const mask = hooks.masks?.[l];
    if (mask) h = tf.mul(h, mask);
  });
  return tf.add(linear(h, mlp.out.w), mlp.out.b) as tf.Tensor2D;
}

/** Forward pass in inference mode: BN is the fixed affine map of the moving statistics; no dropout. */
export function forwardInfer(mlp: Mlp, x: tf.Tensor2D): tf.Tensor2D {
  const { activation, batchNorm, bnEpsilon } = mlp.config;
  let h = x;
  for (const layer of mlp.hidden) {
    let z: tf.Tensor2D = tf.matMul(h, layer.w);
    if (layer.b) z = tf.add(z, layer.b) as tf.Tensor2D;
    const bn = (t: tf.Tensor2D): tf.Tensor2D => {
      const s = layer.bn!;
      return tf.batchNorm(t, s.movingMean, s.movingVar, s.beta, s.gamma, bnEpsilon) as tf.Tensor2D;
    };
    if (batchNorm === 'before') z = bn(z);
    h = activate(activation, z);
    if (batchNorm === 'after') h = bn(h);
  }
  return tf.add(tf.matMul(h, mlp.out.w), mlp.out.b) as tf.Tensor2D;
}

/** Disposes every variable of the model. */
export function disposeMlp(mlp: Mlp): void {
  for (const v of allVariables(mlp)) v.dispose();
}
