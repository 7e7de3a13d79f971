import { tf } from '../tf.js';
import type { ModelConfig } from '../config/schema.js';
import type { BnChoice } from '../config/resolve.js';
import type { Rng } from '../stats/rng.js';
import { batchNormGhost } from './bn/ghost.js';
import { applyNoise, type LayerNoise } from './bn/noisy.js';
import { bnVariantOf } from './bn/registry.js';
import type { BnParams, BnVariant } from './bn/variant.js';
import { initWeights } from './init.js';
import {
  biasAddPass,
  linearFromDataPass,
  linearPass,
  matMulModels,
  modelsOf,
  joinModels,
  recorded,
  scoped,
  type Backprop,
  type BatchMoments,
} from './ops.js';
import { trainedParts } from './variants.js';

export type { BnParams } from './bn/variant.js';
export type { LayerNoise } from './bn/noisy.js';

/*
 * The model, K-first: K MLPs of one shape (a group of runs that share a step; a single run is K = 1) with
 * every parameter on a leading model axis: weights [K, in, out], biases, γ, β and moving statistics
 * [K, 1, W], activations [K, B, W]. Every pass (training, inference, test-batch statistics) is written
 * once for any K. A 2-D x [B, features] is accepted by a K = 1 model and gives 2-D logits.
 */

/** One hidden layer of K models: z = h·W (+ b), BN before or after the activation, dropout after. */
export interface HiddenLayer {
  w: tf.Variable<tf.Rank.R3>;
  /** Dropped when BN comes right after the matMul (β subsumes it). */
  b?: tf.Variable<tf.Rank.R3>;
  bn?: BnParams;
}

/** K MLPs made of tfjs variables: hidden layers and a linear output layer producing logits. */
export interface Mlp {
  /** Models on the leading axis. */
  k: number;
  /** Model 0's config: what the K models share (shape, activation, BN placement and ε). */
  config: ModelConfig;
  /** Each model's own config (init, BN momentum, dropout may differ; see plan/groups.ts). */
  configs: ModelConfig[];
  hidden: HiddenLayer[];
  out: { w: tf.Variable<tf.Rank.R3>; b: tf.Variable<tf.Rank.R3> };
  /** BN on the raw inputs (model.inputBatchNorm). */
  inputBn?: BnParams;
  /** The BN variant the K models share (its choice, resolved once in config/resolve.ts). */
  bnChoice: BnChoice;
  /** How every BN layer trains and updates its moving statistics (bn/registry.ts). */
  bn: BnVariant;
}

/** What a forward pass in training mode can hand to its caller besides the logits. */
export interface TrainForwardHooks {
  /** Dropout masks per hidden layer [K, B, W], already scaled by 1/(1−p); absent = no dropout. */
  masks?: (tf.Tensor3D | undefined)[];
  /** Noisy-BN noise per hidden layer [K, B, W] (Santurkar et al.); absent = none. */
  noise?: (LayerNoise | undefined)[];
  /** Receives each BN layer's batch moments (kept tensors; the receiver disposes them). */
  onMoments?: (layer: number, m: BatchMoments) => void;
  /** Receives the input BN layer's batch moments (kept tensors; the receiver disposes them). */
  onInputMoments?: (m: BatchMoments) => void;
  /** Receives each layer's pre-activation [K, B, W] (the input to the nonlinearity). */
  onPreActivation?: (layer: number, a: tf.Tensor3D) => void;
  /** Receives each BN layer's input [K, B, W] (before normalization). */
  onBnInput?: (layer: number, z: tf.Tensor3D) => void;
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

/** BN statistics of a K = 1 model to use instead of the moving averages (population, AdaBN), [W] each. */
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

/**
 * Builds K MLPs features -> depth x width -> classes, model k with its own config and initial weights
 * drawn from `rngs[k]` exactly as a single run draws them (hidden layers in order, then the output layer).
 * The K configs must share the shape (plan/groups.ts); `choice` is their shared BN variant.
 */
export function buildMlps(configs: ModelConfig[], features: number, classes: number, rngs: Rng[], choice: BnChoice): Mlp {
  const config = configs[0]!;
  const k = configs.length;
  const parts = trainedParts(config);
  const filled = (width: number, value: number, trainable: boolean): tf.Variable<tf.Rank.R3> =>
    newVariable(tf.fill([k, 1, width], value) as tf.Tensor3D, trainable);
  const bnParams = (width: number): BnParams => ({
    gamma: filled(width, 1, parts.gamma),
    beta: filled(width, 0, parts.beta),
    movingMean: filled(width, 0, false),
    movingVar: filled(width, 1, false),
  });
  // Model by model, layer by layer: each model's stream is read in a single run's order.
  const fanIns = [features, ...Array.from({ length: config.depth }, () => config.width)];
  const outInit = (c: ModelConfig): Pick<ModelConfig, 'init' | 'initScale'> =>
    c.init === 'normal' ? c : { init: 'glorot', initScale: undefined }; // Glorot-style output unless `normal`
  const weights = configs.map((c, m) => [
    ...Array.from({ length: config.depth }, (_, l) => initWeights(c, fanIns[l]!, config.width, rngs[m]!)),
    initWeights(outInit(c), fanIns[config.depth]!, classes, rngs[m]!),
  ]);
  const stacked = (l: number, fanIn: number, fanOut: number, trainable: boolean): tf.Variable<tf.Rank.R3> => {
    const all = new Float32Array(k * fanIn * fanOut);
    weights.forEach((ws, m) => all.set(ws[l]!, m * fanIn * fanOut));
    return newVariable(tf.tensor3d(all, [k, fanIn, fanOut]), trainable);
  };
  const hidden: HiddenLayer[] = [];
  for (let l = 0; l < config.depth; l++) {
    const layer: HiddenLayer = { w: stacked(l, fanIns[l]!, config.width, parts.weights) };
    if (config.batchNorm !== 'before') layer.b = filled(config.width, 0, parts.weights);
    if (config.batchNorm !== 'off') layer.bn = bnParams(config.width);
    hidden.push(layer);
  }
  const out = { w: stacked(config.depth, fanIns[config.depth]!, classes, parts.output), b: filled(classes, 0, parts.output) };
  const mlp: Mlp = { k, config, configs, hidden, out, bnChoice: choice, bn: bnVariantOf(configs, choice) };
  if (config.inputBatchNorm) mlp.inputBn = bnParams(features);
  return mlp;
}

/** Builds one MLP (K = 1) with seeded initial weights. */
export function buildMlp(config: ModelConfig, features: number, classes: number, rng: Rng, bn: BnChoice): Mlp {
  return buildMlps([config], features, classes, [rng], bn);
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

/** Every variable of the model, including BN moving statistics, in a fixed order. */
export function allVariables(mlp: Mlp): tf.Variable[] {
  return [...parameterVariables(mlp), ...bnLayers(mlp).flatMap((bn) => [bn.movingMean, bn.movingVar])];
}

/**
 * Model k of a group as a K = 1 model of its own (copies of its slices: evaluation, probes, the γ
 * summary); the caller disposes it with disposeMlp.
 */
export function sliceModel(mlp: Mlp, k: number): Mlp {
  if (k < 0 || k >= mlp.k) throw new Error(`sliceModel: no model ${k} in a group of ${mlp.k}`);
  const slice = (v: tf.Variable<tf.Rank.R3>): tf.Variable<tf.Rank.R3> =>
    newVariable(tf.slice(v, [k, 0, 0], [1, -1, -1]), v.trainable);
  const bn = (p: BnParams): BnParams => ({
    gamma: slice(p.gamma),
    beta: slice(p.beta),
    movingMean: slice(p.movingMean),
    movingVar: slice(p.movingVar),
  });
  const hidden = mlp.hidden.map((l) => ({ w: slice(l.w), ...(l.b ? { b: slice(l.b) } : {}), ...(l.bn ? { bn: bn(l.bn) } : {}) }));
  const config = mlp.configs[k]!;
  const one: Mlp = {
    k: 1,
    config,
    configs: [config],
    hidden,
    out: { w: slice(mlp.out.w), b: slice(mlp.out.b) },
    bnChoice: mlp.bnChoice,
    bn: bnVariantOf([config], mlp.bnChoice),
  };
  if (mlp.inputBn) one.inputBn = bn(mlp.inputBn);
  return one;
}

/** Sets every variable of `view` (a sliceModel of model k) to model k's current values. */
export function refreshSlice(view: Mlp, mlp: Mlp, k: number): void {
  const from = allVariables(mlp);
  allVariables(view).forEach((v, i) => tf.tidy(() => v.assign(tf.slice(from[i]!, [k, 0, 0], [1, -1, -1]))));
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

/** One constant 1 per backward pass that needs it (tanh and sigmoid), as tfjs's gradients use. */
const oneOf = (): tf.Scalar => tf.scalar(1);

/**
 * The nonlinearity recorded on `tape` with the backward tfjs autodiff uses for it (relu: dy·step(a),
 * without its float32 cast of a float32 tensor; tanh: (1 − y²)·dy; sigmoid: dy·(y·(1 − y))).
 */
function activateRecorded(kind: ModelConfig['activation'], a: tf.Tensor3D, tape: Backprop | undefined): tf.Tensor3D {
  const y = activate(kind, a);
  if (!tape || kind === 'linear') return y;
  const backward = (dy: tf.Tensor): tf.Tensor[] => {
    switch (kind) {
      case 'relu':
        return [tf.mul(dy, tf.step(a))];
      case 'tanh':
        return [tf.mul(tf.sub(oneOf(), tf.square(y)), dy)];
      case 'sigmoid':
        return [tf.mul(dy, tf.mul(y, tf.sub(oneOf(), y)))];
      default:
        throw new Error(`unsupported activation ${String(kind)}`);
    }
  };
  return tape.record({ value: y, saved: [], backward }, []);
}

/** How one BN layer normalizes in a given pass; `layer` is the hidden layer index, −1 for the input BN. */
type Normalize = (bn: BnParams, t: tf.Tensor3D, layer: number) => tf.Tensor3D;

/**
 * The forward pass shared by every mode: [input BN] -> hidden layers (matMul, bias, BN before/after
 * the activation via `normalize`, noise, dropout) -> logits [K, B, classes]. With `tape` (training),
 * the element-wise ops record themselves for the explicit backward; `matMul` and `normalize` record
 * their own ops.
 */
function forward(
  mlp: Mlp,
  x: tf.Tensor3D,
  normalize: Normalize,
  matMul: (a: tf.Tensor3D, b: tf.Variable<tf.Rank.R3>) => tf.Tensor3D,
  hooks: TrainForwardHooks = {},
  firstMatMul = matMul,
  tape?: Backprop,
): tf.Tensor3D {
  const { activation, batchNorm } = mlp.config;
  const addBias = (z: tf.Tensor3D, b: tf.Variable<tf.Rank.R3>): tf.Tensor3D => recorded(biasAddPass(z, b), [b], tape);
  let h = mlp.inputBn ? normalize(mlp.inputBn, x, -1) : x;
  mlp.hidden.forEach((layer, l) => {
    let z = (l === 0 ? firstMatMul : matMul)(h, layer.w);
    if (layer.b) z = addBias(z, layer.b);
    const noise = hooks.noise?.[l];
    const bn = (t: tf.Tensor3D): tf.Tensor3D => {
      hooks.onBnInput?.(l, t);
      return normalize(layer.bn!, t, l);
    };
    // Noisy BN: on the BN output; without BN (the control), on the pre-activation.
    const noisy = (t: tf.Tensor3D): tf.Tensor3D => applyNoise(t, noise, tape);
    if (batchNorm === 'before') z = bn(z);
    if (batchNorm !== 'after') z = noisy(z);
    hooks.onPreActivation?.(l, z);
    h = activateRecorded(activation, z, tape);
    if (batchNorm === 'after') h = noisy(bn(h));
    const mask = hooks.masks?.[l];
    if (mask) h = recorded({ value: tf.mul(h, mask), saved: [], backward: (dy) => [tf.mul(dy, mask)] }, [], tape);
  });
  return addBias(matMul(h, mlp.out.w), mlp.out.b);
}

/** Runs a K-first pass on x; a 2-D x (one model's rows) is lifted to K = 1 and the logits come back 2-D. */
function lifted<T extends tf.Tensor2D | tf.Tensor3D>(mlp: Mlp, x: T, pass: (x3: tf.Tensor3D) => tf.Tensor3D): T {
  if (x.rank === 3) return pass(x as tf.Tensor3D) as T;
  if (mlp.k !== 1) throw new Error(`a 2-D input needs a model of K = 1, not ${mlp.k}`);
  const logits = pass(tf.expandDims(x, 0) as tf.Tensor3D);
  return tf.squeeze(logits, [0]) as T;
}

/**
 * Forward pass in training mode: BN uses batch statistics the way the model's BN variant does (per ghost
 * batch, Batch Renormalization's r, d at `hooks.step`, ...), moving averages untouched here. With `tape`,
 * every op records itself for the explicit backward pass (Backprop.gradients).
 */
export function forwardTrain<T extends tf.Tensor2D | tf.Tensor3D>(mlp: Mlp, x: T, hooks: TrainForwardHooks = {}, tape?: Backprop): T {
  const { step, wholeBatch, chunkRows } = hooks;
  const normalize: Normalize = (bn, t, l) => {
    const onMoments =
      l < 0 ? hooks.onInputMoments : hooks.onMoments && ((m: BatchMoments) => hooks.onMoments!(l, m));
    return mlp.bn.train(t, bn, { step, wholeBatch, chunkRows, onMoments, ...(tape ? { tape } : {}) });
  };
  // A group's linear op runs in a tidy of its own (see `scoped`), so its backward's transposed weights go
  // as it ends (other backends also split and join); with or without it on wasm measured the same at K = 8.
  const manyKernels = (h: tf.Tensor3D): boolean => h.shape[0] > 1;
  const linear = (h: tf.Tensor3D, w: tf.Variable<tf.Rank.R3>): tf.Tensor3D => recorded(manyKernels(h) ? scoped(() => linearPass(h, w), h.size, 0) : linearPass(h, w), [w], tape);
  // Layer 1 reads the data itself unless an input BN (whose γ, β need the gradient) comes first.
  const fromData = (h: tf.Tensor3D, w: tf.Variable<tf.Rank.R3>): tf.Tensor3D => recorded(manyKernels(h) ? scoped(() => linearFromDataPass(h, w), h.size, 0) : linearFromDataPass(h, w), [w], tape, false);
  return lifted(mlp, x, (x3) => forward(mlp, x3, normalize, linear, hooks, mlp.inputBn ? linear : fromData, tape));
}

/**
 * Each model's [n, W] slice of t normalized by `f` with that model's 1-D parameters ([K, 1, W] each, or
 * [W] for K = 1). tf.batchNorm's kernel indexes its parameters modulo their size, so it serves one model
 * at a time; at K = 1 it takes the 3-D tensors as they are (`whole`).
 */
function perModelBn(
  t: tf.Tensor3D,
  params: tf.Tensor[],
  f: (x: tf.Tensor2D, ps: tf.Tensor1D[]) => tf.Tensor2D,
  whole?: (x: tf.Tensor3D, ps: tf.Tensor3D[]) => tf.Tensor3D,
): tf.Tensor3D {
  if (whole && t.shape[0] === 1 && params.every((p) => p.rank === 3)) return whole(t, params as tf.Tensor3D[]);
  const width = t.shape[2];
  const split = params.map((p) => (p.rank === 1 ? [p as tf.Tensor1D] : modelsOf(p as tf.Tensor3D).map((q) => tf.reshape(q, [width]) as tf.Tensor1D)));
  return joinModels(modelsOf(t).map((x, k) => f(x, split.map((ps) => ps[ps.length === 1 ? 0 : k]!))));
}

/**
 * Forward pass in inference mode: BN is the fixed affine map of the moving statistics (or of `stats`
 * where given: population, AdaBN; K = 1 only); no dropout, no noise.
 */
export function forwardInfer<T extends tf.Tensor2D | tf.Tensor3D>(mlp: Mlp, x: T, stats?: BnStats): T {
  if (stats && mlp.k !== 1) throw new Error('forwardInfer: BN statistics are per model (K = 1)');
  const eps = mlp.config.bnEpsilon;
  const normalize: Normalize = (bn, t, l) => {
    const s = l < 0 ? stats?.input : stats?.hidden[l];
    const params = [s?.mean ?? bn.movingMean, s?.variance ?? bn.movingVar, bn.beta, bn.gamma];
    const norm = <X extends tf.Tensor>(x: X, [mean, variance, beta, gamma]: tf.Tensor[]): X =>
      tf.batchNorm(x, mean!, variance!, beta, gamma, eps) as X;
    return perModelBn(t, params, norm, norm);
  };
  return lifted(mlp, x, (x3) => forward(mlp, x3, normalize, matMulModels));
}

/**
 * Forward pass with test-batch statistics: every BN layer normalizes each chunk of `group` consecutive
 * rows with that chunk's own (biased) moments; no dropout, no noise, moving averages untouched.
 */
export function forwardBatchStats<T extends tf.Tensor2D | tf.Tensor3D>(mlp: Mlp, x: T, group: number): T {
  const eps = mlp.config.bnEpsilon;
  const normalize: Normalize = (bn, t) => batchNormGhost(t, bn.gamma, bn.beta, eps, group);
  return lifted(mlp, x, (x3) => forward(mlp, x3, normalize, matMulModels));
}

/**
 * BN statistics of a K = 1 model re-estimated layer by layer on `x` [n, features]: each BN layer's
 * statistics are `estimate(input)` ([n, W] -> [W] moments), where its input already passed the earlier
 * layers normalized with their re-estimated statistics (AdaBN; Ioffe & Szegedy Alg. 2 with the
 * inference network). The returned tensors belong to the caller.
 */
export function estimateBnStats(mlp: Mlp, x: tf.Tensor2D, estimate: (t: tf.Tensor2D) => BatchMoments): BnStats {
  if (mlp.k !== 1) throw new Error('estimateBnStats: BN statistics are per model (K = 1)');
  const eps = mlp.config.bnEpsilon;
  const stats: BnStats = { hidden: mlp.hidden.map(() => undefined) };
  const normalize: Normalize = (bn, t, l) =>
    perModelBn(t, [bn.beta, bn.gamma], (x2, [beta, gamma]) => {
      const m = estimate(x2);
      if (l < 0) stats.input = m;
      else stats.hidden[l] = m;
      return tf.batchNorm(x2, m.mean as tf.Tensor1D, m.variance as tf.Tensor1D, beta, gamma, eps);
    });
  forward(mlp, tf.expandDims(x, 0) as tf.Tensor3D, normalize, matMulModels);
  return stats;
}

/** Disposes every variable of the model. */
export function disposeMlp(mlp: Mlp): void {
  for (const v of allVariables(mlp)) v.dispose();
}
