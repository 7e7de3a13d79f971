import * as tf from '@tensorflow/tfjs';

/*
 * Ops with hand-written backward passes. On the wasm backend, matMul goes to XNNPACK only when
 * neither transpose flag is set; autodiff's dX = dY·Wᵀ and dW = Xᵀ·dY use the flags and fall back to
 * a scalar loop ~15x slower. Autodiff of a BN built from tf.moments launches ~90 kernels per layer.
 * These ops keep the step on the fast path; tests compare them with autodiff of the plain ops.
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

/** x·W with a transpose-free backward (explicit tf.transpose, then plain matMul). */
export const linear = custom(([x, w], save) => {
  const x2 = x as tf.Tensor2D;
  const w2 = w as tf.Tensor2D;
  save([x2, w2]);
  return {
    value: tf.matMul(x2, w2),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      const d = dy as tf.Tensor2D;
      return [tf.matMul(d, tf.transpose(ws)), tf.matMul(tf.transpose(xs), d)];
    },
  };
}) as (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D;

/**
 * x·W where x is data (the first layer's raw inputs): the backward computes dW = Xᵀ·dY only. The gradient
 * of the inputs, a full matMul nothing reads (14-18% of an MNIST-shaped step), is never formed: x is not
 * an input of the custom op, so autodiff never asks for it.
 */
export function linearFromData(x: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  const op = custom(([wi], save) => {
    save([wi!]);
    return {
      value: tf.matMul(x, wi as tf.Tensor2D),
      gradFunc: (dy: tf.Tensor) => [tf.matMul(tf.transpose(x), dy as tf.Tensor2D)],
    };
  });
  return op(w) as tf.Tensor2D;
}

/**
 * Batch statistics of the last BN call in training mode: biased variance, as Ioffe & Szegedy Alg. 1.
 * [k] per unit; ghost BN hands [chunks, k], one row per ghost batch in batch order, with `chunks` set.
 */
export interface BatchMoments {
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
  /** Set by ghost BN: the moments are [chunks, k], one row per ghost batch. */
  chunks?: number;
}

/**
 * Mean softmax cross-entropy of logits [B, C] against one-hot targets [B, C], with the closed-form
 * gradient (softmax − onehot)/B. No gradient flows to the targets.
 */
export const softmaxCrossEntropy = custom(([logits, onehot], save) => {
  const logp = tf.logSoftmax(logits!);
  save([logp, onehot!]);
  const b = logits!.shape[0] as number;
  return {
    value: tf.neg(tf.div(tf.sum(tf.mul(onehot!, logp)), b)),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [lp, oh] = saved as [tf.Tensor2D, tf.Tensor2D];
      const g = tf.mul(tf.sub(tf.exp(lp), oh), tf.div(dy, b));
      return [g, tf.zerosLike(oh)];
    },
  };
}) as (logits: tf.Tensor2D, onehot: tf.Tensor2D) => tf.Scalar;
