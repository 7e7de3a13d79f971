import * as tf from '@tensorflow/tfjs';
import { unstackRowsOf } from './row-slices.js';

/*
 * Ops with hand-written backward passes, K-first: activations [K, B, W], weights [K, in, out], per-unit
 * parameters [K, 1, W], one slice per model of a group (a single run is K = 1). A 2-D x [B, in] with
 * w [in, out] is one model (lifted to K = 1 and back; the reshapes copy nothing). No op reduces over the
 * K axis, so a model that diverges (NaN/Inf) cannot leak into the others.
 *
 * The matMuls stay one per model: on the wasm backend, matMul goes to XNNPACK only for transpose-free
 * calls with a batch dimension of 1 (BatchMatMul with a batch dimension > 1 or a transpose flag takes a
 * scalar loop ~10-15x slower; a 2-D matMul is a batch of one inside the kernel, so at K = 1 the 3-D
 * tensors go in as they are). For K > 1, splits (row-slices.ts) and joins (tf.stack) are ONE engine
 * dispatch each for all K models. Everything else is one kernel for all K models. The float operations
 * per model are the same whatever K is, in the same order, so a model's numbers do not depend on its
 * group (bit-identical on wasm; see group.test.ts).
 */

/** The backward pass of a custom op: the gradient of each input from dy and the saved tensors. */
export type GradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[];

/** tf.customGrad with the inputs as a typed list (tfjs types them as a union with the save function). */
export function custom(
  f: (inputs: tf.Tensor[], save: tf.GradSaveFunc) => { value: tf.Tensor; gradFunc: GradFunc },
): (...inputs: tf.Tensor[]) => tf.Tensor {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) =>
    f(args.slice(0, -1) as tf.Tensor[], args[args.length - 1] as tf.GradSaveFunc),
  );
  return (...inputs) => op(...inputs);
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
 * a_k·b_k for each model without a custom gradient: [K, m, n] x [K, n, p] -> [K, m, p]. One batch-of-one
 * matMul at K = 1 (what a 2-D matMul is inside the kernel), else K 2-D matMuls joined.
 */
export function matMulModels(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  if (a.shape[0] === 1) return tf.matMul(a, b);
  const bs = modelsOf(b);
  return joinModels(modelsOf(a).map((x, k) => tf.matMul(x, bs[k]!)));
}

/** Each model's matrix transposed: [K, a, b] -> [K, b, a]. */
function transposedEach(t: tf.Tensor3D): tf.Tensor3D {
  return tf.transpose(t, [0, 2, 1]);
}

/** A 3-D op applied to one model's 2-D operands (K = 1), with a 2-D result. */
function asOneModel<T extends tf.Tensor>(f: (...ts: tf.Tensor3D[]) => T, ...ts: tf.Tensor[]): tf.Tensor2D {
  const out = f(...ts.map((t) => tf.expandDims(t, 0) as tf.Tensor3D));
  return tf.squeeze<tf.Tensor2D>(out, [0]);
}

const linear3 = custom(([x, w], save) => {
  const x3 = x as tf.Tensor3D;
  const w3 = w as tf.Tensor3D;
  save([x3, w3]);
  return {
    value: matMulModels(x3, w3),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor3D, tf.Tensor3D];
      const d = dy as tf.Tensor3D;
      return [matMulModels(d, transposedEach(ws)), matMulModels(transposedEach(xs), d)]; // dx_k = dy_k·W_kᵀ, dW_k = x_kᵀ·dy_k
    },
  };
}) as (x: tf.Tensor3D, w: tf.Tensor3D) => tf.Tensor3D;

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
  const x3 = x as tf.Tensor3D;
  const op = custom(([wi], save) => {
    save([wi!]);
    return {
      value: matMulModels(x3, wi as tf.Tensor3D),
      gradFunc: (dy: tf.Tensor) => [matMulModels(transposedEach(x3), dy as tf.Tensor3D)],
    };
  });
  return op(w) as T;
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
 * Mean softmax cross-entropy of logits against one-hot targets ([B, C], or [K, B, C]: the sum over the
 * K models of each model's mean), with the closed-form gradient (softmax − onehot)/B: each model's
 * gradient is its own loss's, the sum only adds values. No gradient flows to the targets.
 */
export const softmaxCrossEntropy = custom(([logits, onehot], save) => {
  const logp = tf.logSoftmax(logits!);
  save([logp, onehot!]);
  const b = logits!.shape[logits!.rank - 2] as number;
  return {
    value: tf.neg(tf.div(tf.sum(tf.mul(onehot!, logp)), b)),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [lp, oh] = saved as [tf.Tensor, tf.Tensor];
      const g = tf.mul(tf.sub(tf.exp(lp), oh), tf.div(dy, b));
      return [g, tf.zerosLike(oh)];
    },
  };
}) as <T extends tf.Tensor2D | tf.Tensor3D>(logits: T, onehot: T) => tf.Scalar;

/** Each model's mean softmax cross-entropy, [K] (the forward of softmaxCrossEntropy per model). */
export function lossPerModel(logits: tf.Tensor3D, onehot: tf.Tensor3D): tf.Tensor1D {
  const b = logits.shape[1];
  return tf.neg(tf.div(tf.sum(tf.mul(onehot, tf.logSoftmax(logits)), [1, 2]), b)) as tf.Tensor1D;
}
