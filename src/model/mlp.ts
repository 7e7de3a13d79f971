import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../config/schema.js';
import type { BnChoice } from '../config/resolve.js';
import type { Rng } from '../stats/rng.js';
import { batchNormGhost } from './bn/ghost.js';
import { applyNoise, type LayerNoise } from './bn/noisy.js';
import { bnVariantOf } from './bn/registry.js';
import type { BnParams, BnVariant } from './bn/variant.js';
import { initWeights } from './init.js';
import { linear, linearFromData, type BatchMoments } from './ops.js';
import { trainedParts } from './variants.js';

export type { BnParams } from './bn/variant.js';
export type { LayerNoise } from './bn/noisy.js';

/** One hidden layer: z = h·W (+ b), BN before or after the activation, dropout after. */
export interface HiddenLayer {
  w: tf.Variable<tf.Rank.R2>;
  /** Dropped when BN comes right after the matMul (β subsumes it). */
  b?: tf.Variable<tf.Rank.R1>;
  bn?: BnParams;
}

/** An MLP made of tfjs variables: hidden layers and a linear output layer producing logits. */
export interface Mlp {
  config: ModelConfig;
  hidden: HiddenLayer[];
  out: { w: tf.Variable<tf.Rank.R2>; b: tf.Variable<tf.Rank.R1> };
  /** BN on the raw inputs (model.inputBatchNorm). */
  inputBn?: BnParams;
  /** How every BN layer of the model trains and updates its moving statistics (bn/registry.ts). */
  bn: BnVariant;
}

/** What a forward pass in training mode can hand to its caller besides the logits. */
export interface TrainForwardHooks {
  /** Dropout masks per hidden layer, already scaled by 1/(1−p); absent = no dropout. */
  masks?: (tf.Tensor2D | undefined)[];
  /** Noisy-BN noise per hidden layer (Santurkar et al.); absent = none. */
  noise?: (LayerNoise | undefined)[];
  /** Receives each BN layer's batch moments (kept tensors; the receiver disposes them). */
  onMoments?: (layer: number, m: BatchMoments) => void;
  /** Receives the input BN layer's batch moments (kept tensors; the receiver disposes them). */
  onInputMoments?: (m: BatchMoments) => void;
  /** Receives each layer's pre-activation (the input to the nonlinearity). */
  onPreActivation?: (layer: number, a: tf.Tensor2D) => void;
  /** Receives each BN layer's input (before normalization). */
  onBnInput?: (layer: number, z: tf.Tensor2D) => void;
  /** Normalize with the statistics of all rows even with ghostBatchSize (the probes' fixed probe set). */
  wholeBatch?: boolean;
  /**
   * Normalize each chunk of this many consecutive rows with its own statistics at every BN layer, as
   * training does with one batch per chunk (the BN-noise probe); rows must be a multiple of it.
   */
  chunkRows?: number;
  /** The optimizer step this pass belongs to (0-based): BN variants with a schedule (Batch Renorm) need it. */
  step?: number;
}

/** BN statistics to use instead of the moving averages (population, AdaBN): per hidden layer and input. */
export interface BnStats {
  input?: BatchMoments;
  hidden: (BatchMoments | undefined)[];
}

/** A variable initialised from a fresh tensor (the tensor itself is disposed). */
function newVariable<R extends tf.Rank>(init: tf.Tensor<R>, trainable: boolean): tf.Variable<R> {
  const v = tf.variable(init, trainable);
  init.dispose();
  return v;
}

/** Builds an MLP features -> depth x width -> classes with seeded initial weights. */
export function buildMlp(config: ModelConfig, features: number, classes: number, rng: Rng, bn: BnChoice): Mlp {
  const parts = trainedParts(config);
  const bnParams = (width: number): BnParams => ({
    gamma: newVariable(tf.ones([width]) as tf.Tensor1D, parts.gamma),
    beta: newVariable(tf.zeros([width]) as tf.Tensor1D, parts.beta),
    movingMean: newVariable(tf.zeros([width]) as tf.Tensor1D, false),
    movingVar: newVariable(tf.ones([width]) as tf.Tensor1D, false),
  });
  const hidden: HiddenLayer[] = [];
  let fanIn = features;
  for (let l = 0; l < config.depth; l++) {
    const width = config.width;
    const w = newVariable(tf.tensor2d(initWeights(config, fanIn, width, rng), [fanIn, width]), parts.weights);
    const layer: HiddenLayer = { w };
    if (config.batchNorm !== 'before') layer.b = newVariable(tf.zeros([width]) as tf.Tensor1D, parts.weights);
    if (config.batchNorm !== 'off') layer.bn = bnParams(width);
    hidden.push(layer);
    fanIn = width;
  }
  // Output layer: Glorot-style scale for every init choice except `normal` (kept as configured).
  const outInit = config.init === 'normal' ? config : { init: 'glorot' as const, initScale: undefined };
  const out = {
    w: newVariable(tf.tensor2d(initWeights(outInit, fanIn, classes, rng), [fanIn, classes]), parts.output),
    b: newVariable(tf.zeros([classes]) as tf.Tensor1D, parts.output),
  };
  const mlp: Mlp = { config, hidden, out, bn: bnVariantOf(config, bn) };
  if (config.inputBatchNorm) mlp.inputBn = bnParams(features); // no random draws: init is unchanged
  return mlp;
}

/** Every BN layer of the model: the input BN first, then the hidden layers' in order. */
export function bnLayers(mlp: Mlp): BnParams[] {
  return [...(mlp.inputBn ? [mlp.inputBn] : []), ...mlp.hidden.flatMap((l) => (l.bn ? [l.bn] : []))];
}

/** The variables the optimizer updates: the trainable ones (see model.trainOnly, bnScale, bnCenter). */
export function trainableVariables(mlp: Mlp): tf.Variable[] {
  return parameterVariables(mlp).filter((v) => v.trainable);
}

/** Every weight, bias, γ and β (trained or frozen), input side first; no moving statistics. */
function parameterVariables(mlp: Mlp): tf.Variable[] {
  const vars: tf.Variable[] = [];
  if (mlp.inputBn) vars.push(mlp.inputBn.gamma, mlp.inputBn.beta);
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
  return [...parameterVariables(mlp), ...bnLayers(mlp).flatMap((bn) => [bn.movingMean, bn.movingVar])];
}

/** The hidden layers' nonlinearity, elementwise (any rank). */
export function activate<T extends tf.Tensor>(kind: ModelConfig['activation'], a: T): T {
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

/** How one BN layer normalizes in a given pass; `layer` is the hidden layer index, −1 for the input BN. */
type Normalize = (bn: BnParams, t: tf.Tensor2D, layer: number) => tf.Tensor2D;

/**
 * The forward pass shared by every mode: [input BN] -> hidden layers (matMul, bias, BN before/after
 * the activation via `normalize`, noise, dropout) -> logits.
 */
function forward(
  mlp: Mlp,
  x: tf.Tensor2D,
  normalize: Normalize,
  matMul: (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D,
  hooks: TrainForwardHooks = {},
  firstMatMul = matMul,
): tf.Tensor2D {
  const { activation, batchNorm } = mlp.config;
  let h = mlp.inputBn ? normalize(mlp.inputBn, x, -1) : x;
  mlp.hidden.forEach((layer, l) => {
    let z = (l === 0 ? firstMatMul : matMul)(h, layer.w);
    if (layer.b) z = tf.add(z, layer.b) as tf.Tensor2D;
    const noise = hooks.noise?.[l];
    const bn = (t: tf.Tensor2D): tf.Tensor2D => {
      hooks.onBnInput?.(l, t);
      return normalize(layer.bn!, t, l);
    };
    // Noisy BN: on the BN output; without BN (the control), on the pre-activation.
    const noisy = (t: tf.Tensor2D): tf.Tensor2D => applyNoise(t, noise);
    if (batchNorm === 'before') z = bn(z);
    if (batchNorm !== 'after') z = noisy(z);
    hooks.onPreActivation?.(l, z);
    h = activate(activation, z);
    if (batchNorm === 'after') h = noisy(bn(h));
    const mask = hooks.masks?.[l];
    if (mask) h = tf.mul(h, mask);
  });
  return tf.add(matMul(h, mlp.out.w), mlp.out.b) as tf.Tensor2D;
}

/**
 * Forward pass in training mode: BN uses batch statistics the way the model's BN variant does (per ghost
 * batch, Batch Renormalization's r, d at `hooks.step`, ...), moving averages untouched here.
 */
export function forwardTrain(mlp: Mlp, x: tf.Tensor2D, hooks: TrainForwardHooks = {}): tf.Tensor2D {
  const { step, wholeBatch, chunkRows } = hooks;
  const normalize: Normalize = (bn, t, l) => {
    const onMoments =
      l < 0 ? hooks.onInputMoments : hooks.onMoments && ((m: BatchMoments) => hooks.onMoments!(l, m));
    return mlp.bn.train(t, bn, { step, wholeBatch, chunkRows, onMoments });
  };
  // Layer 1 reads the data itself unless an input BN (whose γ, β need the gradient) comes first.
  return forward(mlp, x, normalize, linear, hooks, mlp.inputBn ? linear : linearFromData);
}

/**
 * Forward pass in inference mode: BN is the fixed affine map of the moving statistics (or of `stats`
 * where given: population, AdaBN); no dropout, no noise.
 */
export function forwardInfer(mlp: Mlp, x: tf.Tensor2D, stats?: BnStats): tf.Tensor2D {
  const eps = mlp.config.bnEpsilon;
  const normalize: Normalize = (bn, t, l) => {
    const s = l < 0 ? stats?.input : stats?.hidden[l];
    const mean = s?.mean ?? bn.movingMean;
    const variance = s?.variance ?? bn.movingVar;
    return tf.batchNorm(t, mean, variance, bn.beta, bn.gamma, eps) as tf.Tensor2D;
  };
  return forward(mlp, x, normalize, tf.matMul);
}

/**
 * Forward pass with test-batch statistics: every BN layer normalizes each chunk of `group` consecutive
 * rows with that chunk's own (biased) moments; no dropout, no noise, moving averages untouched.
 */
export function forwardBatchStats(mlp: Mlp, x: tf.Tensor2D, group: number): tf.Tensor2D {
  const eps = mlp.config.bnEpsilon;
  const normalize: Normalize = (bn, t) => batchNormGhost(t, bn.gamma, bn.beta, eps, group);
  return forward(mlp, x, normalize, tf.matMul);
}

/**
 * BN statistics re-estimated layer by layer on `x`: each BN layer's statistics are `estimate(input)`,
 * where its input already passed the earlier layers normalized with their re-estimated statistics
 * (AdaBN; Ioffe & Szegedy Alg. 2 with the inference network). The returned tensors belong to the caller.
 */
export function estimateBnStats(mlp: Mlp, x: tf.Tensor2D, estimate: (t: tf.Tensor2D) => BatchMoments): BnStats {
  const eps = mlp.config.bnEpsilon;
  const stats: BnStats = { hidden: mlp.hidden.map(() => undefined) };
  const normalize: Normalize = (bn, t, l) => {
    const m = estimate(t);
    if (l < 0) stats.input = m;
    else stats.hidden[l] = m;
    return tf.batchNorm(t, m.mean, m.variance, bn.beta, bn.gamma, eps) as tf.Tensor2D;
  };
  forward(mlp, x, normalize, tf.matMul);
  return stats;
}

/** Disposes every variable of the model. */
export function disposeMlp(mlp: Mlp): void {
  for (const v of allVariables(mlp)) v.dispose();
}
