import { tf } from '../tf.js';
import { groupMatMulOf, groupMatMulTransposedA, transposedEach } from './group-matmul.js';
import { sumOver } from './row-sums.js';
import { unstackRowsOf } from './row-slices.js';

/*
 * Ops with hand-written backward passes, K-first: activations [K, B, W], weights [K, in, out], per-unit
 * parameters [K, 1, W], one slice per model of a group (a single run is K = 1). A 2-D x [B, in] with
 * w [in, out] is one model (lifted to K = 1 and back; the reshapes copy nothing). No op reduces over the
 * K axis, so a model that diverges (NaN/Inf) cannot leak into the others.
 *
 * The matMuls are one per model, all K in one engine dispatch on wasm, on the group's tensors where they
 * are (group-matmul.ts: bn-exp's own wasm kernel, bit-identical to tf.matMul; the weight gradient
 * x_kᵀ·dy_k reads x through strides). Other backends split with row-slices.ts, multiply and join with
 * tf.stack. Everything else is one kernel for all K models. The float operations
 * per model are the same whatever K is, in the same order, so a model's numbers do not depend on its
 * group (bit-identical on wasm; see group.test.ts).
 */

/** The backward pass of a custom op: the gradient of each input from dy and the saved tensors. */
export type GradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[];

/**
 * The forward half of an op with a closed-form backward: its value, the tensors its backward reads, and
 * that backward (the gradient of each input, in input order). The same pass serves the explicit backward
 * of a training step (Backprop) and, wrapped by `custom`, tfjs autodiff (tests, reference checks).
 */
export interface OpPass {
  value: tf.Tensor;
  saved: tf.Tensor[];
  backward: GradFunc;
  /** Set by `scoped`: the backward runs in a tidy too. */
  scoped?: boolean;
}

/** Elements from which an op's input is large enough for `scoped` to pay (64 KB of float32). */
export const SCOPE_MIN_ELEMENTS = 16384;

/**
 * Runs an op's forward half in a tidy that keeps only its value and saved tensors (as tf.customGrad's
 * forward does), so the intermediates of a many-kernel op (BN, a group's split matMuls) are freed as it
 * ends instead of at the end of the step; its backward then runs in a tidy too. With large tensors the
 * smaller working set on the heap pays (+7% steps/s at K = 8, width 64, batch 64; +16% at K = 1, width
 * 256, batch 256; measured 2026-12-05); below `minElements` of input (default SCOPE_MIN_ELEMENTS) the
 * tidies cost as much as they save, and the pass runs unscoped. Values are the same either way.
 */
export function scoped(f: () => OpPass, elements: number, minElements = SCOPE_MIN_ELEMENTS): OpPass {
  if (elements < minElements) return f();
  let backward: GradFunc | undefined;
  const { value, saved } = tf.tidy(() => {
    const pass = f();
    backward = pass.backward;
    return { value: pass.value, saved: pass.saved };
  });
  return { value, saved, backward: backward!, scoped: true };
}

/** An op given by its forward half as a tf.customGrad (inputs as a typed list). */
export function custom(f: (inputs: tf.Tensor[]) => OpPass): (...inputs: tf.Tensor[]) => tf.Tensor {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const pass = f(args.slice(0, -1) as tf.Tensor[]);
    (args[args.length - 1] as tf.GradSaveFunc)(pass.saved);
    return { value: pass.value, gradFunc: pass.backward };
  });
  return (...inputs) => op(...inputs);
}

/** One recorded op of a training pass: its forward half, and the variable behind each non-activation input. */
interface Recorded {
  pass: OpPass;
  /** Whether input 0 is the running activation (a gradient to pass down); false for the data's first matMul. */
  input: boolean;
  /** The op's other inputs in order: the variable each is, or undefined for a constant (noise, masks). */
  params: (tf.Variable | undefined)[];
}

/**
 * The explicit backward pass of a training forward (no autodiff tape): the ops of the chain are recorded
 * as they run, then `gradients` calls their closed-form backward passes in reverse order, handing each
 * op the gradient of its output. The model is a chain, so every activation feeds exactly one op and no
 * gradient is ever accumulated; the kernels are the ones tfjs autodiff would run through the same ops
 * (less its clones of saved tensors), so the gradients are bit-identical to tf.variableGrads'. Call
 * inside a tidy that spans the forward and the backward (the saved tensors live in it).
 */
export class Backprop {
  private readonly ops: Recorded[] = [];

  /** Records an op (inputs: the running activation when `input`, then `params`) and returns its value. */
  record<T extends tf.Tensor>(pass: OpPass, params: (tf.Variable | undefined)[], input = true): T {
    this.ops.push({ pass, input, params });
    return pass.value as T;
  }

  /**
   * The gradients of `vars` (by name, in the order of `vars`) from dy, the gradient of the pass's output.
   * Stops below the lowest op that has one of them as an input, as autodiff would.
   */
  gradients(dy: tf.Tensor, vars: tf.Variable[]): tf.NamedTensorMap {
    const wanted = new Set(vars.map((v) => v.name));
    const lowest = this.ops.findIndex((op) => op.params.some((p) => p !== undefined && wanted.has(p.name)));
    const found: tf.NamedTensorMap = {};
    let d = dy;
    for (let i = this.ops.length - 1; i >= lowest && lowest >= 0; i--) {
      const { pass, input, params } = this.ops[i]!;
      const g = pass.scoped ? tf.tidy(() => pass.backward(d, pass.saved)) : pass.backward(d, pass.saved);
      const first = input ? 1 : 0;
      params.forEach((p, j) => {
        if (p !== undefined && wanted.has(p.name)) found[p.name] = g[first + j]!;
      });
      if (input) d = g[0]!;
    }
    const grads: tf.NamedTensorMap = {};
    for (const v of vars) if (found[v.name]) grads[v.name] = found[v.name]!;
    return grads;
  }
}

/** An op's value, recorded on `tape` when given (see Backprop.record). */
export function recorded<T extends tf.Tensor>(pass: OpPass, params: (tf.Variable | undefined)[], tape?: Backprop, input = true): T {
  return tape ? tape.record<T>(pass, params, input) : (pass.value as T);
}

/** The K matrices of a [K, a, b] tensor: free reshape at K = 1, one dispatch otherwise. */
export function modelsOf(t: tf.Tensor3D): tf.Tensor2D[] {
  return t.shape[0] === 1 ? [tf.squeeze<tf.Tensor2D>(t, [0])] : unstackRowsOf<tf.Tensor2D>(t);
}

/** K matrices joined on a leading model axis (the inverse of modelsOf). */
export function joinModels(ts: tf.Tensor2D[]): tf.Tensor3D {
  return ts.length === 1 ? (tf.expandDims(ts[0]!, 0) as tf.Tensor3D) : (tf.stack(ts) as tf.Tensor3D);
}

/**
 * a_k·b_k for each model without a custom gradient: [K, m, n] x [K, n, p] -> [K, m, p]. One dispatch on
 * wasm for any K (group-matmul.ts); elsewhere splitMatMulJoin.
 */
export function matMulModels(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  return groupMatMulOf(a, b, splitMatMulJoin);
}

/** Each model's aᵀ·b ([K, n, m] x [K, n, p] -> [K, m, p]): on wasm without a transposed copy of a. */
export function matMulModelsTransposedA(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  return groupMatMulTransposedA(a, b, splitMatMulJoin);
}

/**
 * The matMuls of backends without the group kernel: one batch-of-one matMul at K = 1 (what a 2-D matMul
 * is inside the kernel), else K 2-D matMuls of the split operands, joined.
 */
export function splitMatMulJoin(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  if (a.shape[0] === 1) return tf.matMul(a, b);
  const bs = modelsOf(b);
  return joinModels(modelsOf(a).map((x, k) => tf.matMul(x, bs[k]!)));
}

/** A 3-D op applied to one model's 2-D operands (K = 1), with a 2-D result. */
function asOneModel<T extends tf.Tensor>(f: (...ts: tf.Tensor3D[]) => T, ...ts: tf.Tensor[]): tf.Tensor2D {
  const out = f(...ts.map((t) => tf.expandDims(t, 0) as tf.Tensor3D));
  return tf.squeeze<tf.Tensor2D>(out, [0]);
}

/** The forward half of x_k·W_k for each model, with a transpose-free backward. */
export function linearPass(x: tf.Tensor3D, w: tf.Tensor3D): OpPass {
  return {
    value: matMulModels(x, w),
    saved: [x, w],
    backward: (dy, saved) => {
      const [xs, ws] = saved as [tf.Tensor3D, tf.Tensor3D];
      const d = dy as tf.Tensor3D;
      return [matMulModels(d, transposedEach(ws)), matMulModelsTransposedA(xs, d)]; // dx_k = dy_k·W_kᵀ, dW_k = x_kᵀ·dy_k
    },
  };
}

/** The forward half of x_k·W_k where x is data: its one input is W, its backward dW_k = x_kᵀ·dy_k only. */
export function linearFromDataPass(x: tf.Tensor3D, w: tf.Tensor3D): OpPass {
  return {
    value: matMulModels(x, w),
    saved: [w],
    backward: (dy) => [matMulModelsTransposedA(x, dy as tf.Tensor3D)],
  };
}

const linear3 = custom(([x, w]) => linearPass(x as tf.Tensor3D, w as tf.Tensor3D)) as (x: tf.Tensor3D, w: tf.Tensor3D) => tf.Tensor3D;

/** x_k·W_k for each model with a transpose-free backward (explicit transpose, then plain matMul). */
export function linear<T extends tf.Tensor2D | tf.Tensor3D>(x: T, w: T): T {
  return (x.rank === 2 ? asOneModel(linear3, x, w) : linear3(x as tf.Tensor3D, w as tf.Tensor3D)) as T;
}

/**
 * x_k·W_k where x is data (the first layer's raw inputs): the backward computes dW_k = x_kᵀ·dy_k only.
 * The gradient of the inputs, a full matMul nothing reads (14-18% of an MNIST-shaped step), is never
 * formed: x is not an input of the custom op, so autodiff never asks for it.
 */
export function linearFromData<T extends tf.Tensor2D | tf.Tensor3D>(x: T, w: T): T {
  if (x.rank === 2) return asOneModel((a, b) => linearFromData(a, b), x, w) as T;
  const op = custom(([wi]) => linearFromDataPass(x as tf.Tensor3D, wi as tf.Tensor3D));
  return op(w) as T;
}

/** z + b with b [K, 1, W] broadcast over each model's rows; backward: dz = dy, db = each model's Σ_rows dy. */
export function biasAddPass(z: tf.Tensor3D, b: tf.Tensor3D): OpPass {
  return { value: tf.add(z, b), saved: [], backward: (dy) => [dy, sumOver(dy, 1, true)] };
}

/**
 * Batch statistics of a BN call in training mode: biased variance, as Ioffe & Szegedy Alg. 1. [K, 1, W]
 * per model and unit ([W] for a 2-D call); ghost BN hands [K, chunks, W], one row per ghost batch in
 * batch order, with `chunks` set.
 */
export interface BatchMoments {
  mean: tf.Tensor;
  variance: tf.Tensor;
  /** Set by ghost BN: the moments are [K, chunks, W], one row per ghost batch. */
  chunks?: number;
}

/**
 * log softmax over the last axis: tf.logSoftmax's forward (max-shifted, the same kernels) without its
 * custom-gradient wrapper and its float32 cast of a float32 tensor.
 */
export function logSoftmax<T extends tf.Tensor>(logits: T): T {
  const axis = logits.rank - 1;
  const shifted = tf.sub(logits, tf.max(logits, axis, true));
  return tf.sub(shifted, tf.log(tf.sum(tf.exp(shifted), axis, true)));
}

/** The mean cross-entropy summed over the K models, −Σ onehot·logp / B, from log-probabilities. */
function crossEntropyOf(logp: tf.Tensor, onehot: tf.Tensor): tf.Scalar {
  const b = logp.shape[logp.rank - 2] as number;
  return tf.neg(tf.div(tf.sum(tf.mul(onehot, logp)), b)) as tf.Scalar;
}

/** The gradient of the loss with respect to the logits, (softmax − onehot)·scale, scale = dy/B. */
function crossEntropyBackward(logp: tf.Tensor, onehot: tf.Tensor, scale: tf.Tensor): tf.Tensor {
  return tf.mul(tf.sub(tf.exp(logp), onehot), scale);
}

/**
 * Mean softmax cross-entropy of logits against one-hot targets ([B, C], or [K, B, C]: the sum over the
 * K models of each model's mean), with the closed-form gradient (softmax − onehot)/B: each model's
 * gradient is its own loss's, the sum only adds values. No gradient flows to the targets.
 */
export const softmaxCrossEntropy = custom(([logits, onehot]) => {
  const logp = logSoftmax(logits!);
  const b = logits!.shape[logits!.rank - 2] as number;
  return {
    value: crossEntropyOf(logp, onehot!),
    saved: [logp, onehot!],
    backward: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [lp, oh] = saved as [tf.Tensor, tf.Tensor];
      return [crossEntropyBackward(lp, oh, tf.div(dy, b)), tf.zerosLike(oh)];
    },
  };
}) as <T extends tf.Tensor2D | tf.Tensor3D>(logits: T, onehot: T) => tf.Scalar;

/**
 * The loss of softmaxCrossEntropy and its gradient with respect to the logits, as autodiff computes them
 * from dy = 1 (1/B is exact in float32 either way); the loss is formed only when asked for.
 */
export function crossEntropyGradient(logits: tf.Tensor3D, onehot: tf.Tensor3D, withLoss = false): { dLogits: tf.Tensor3D; loss?: tf.Scalar } {
  const logp = logSoftmax(logits);
  const b = logits.shape[1];
  const dLogits = crossEntropyBackward(logp, onehot, tf.scalar(1 / b)) as tf.Tensor3D;
  return withLoss ? { dLogits, loss: crossEntropyOf(logp, onehot) } : { dLogits };
}

/** Each model's mean softmax cross-entropy, [K] (the forward of softmaxCrossEntropy per model). */
export function lossPerModel(logits: tf.Tensor3D, onehot: tf.Tensor3D): tf.Tensor1D {
  const b = logits.shape[1];
  return tf.neg(tf.div(tf.sum(tf.mul(onehot, logSoftmax(logits)), [1, 2]), b)) as tf.Tensor1D;
}
