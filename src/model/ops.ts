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
 * Batch statistics of the last BN call in training mode: biased variance, as Ioffe & Szegedy Alg. 1.
 * [k] per unit; ghost BN hands [chunks, k], one row per ghost batch in batch order.
 */
export interface BatchMoments {
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
}

/**
 * BN in training mode over axis 0 with the closed-form backward of Ioffe & Szegedy Sec. 3:
 * dx = γ/(m·sqrt(σ²+ε)) · (m·dy − Σdy − x̂·Σ(dy·x̂)), dγ = Σ dy·x̂, dβ = Σ dy.
 * The batch moments are kept (tf.keep) and handed to `onMoments` for the moving-average update;
 * the caller disposes them.
 */
export function batchNormTrain(
  x: tf.Tensor2D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  epsilon: number,
  onMoments?: (m: BatchMoments) => void,
): tf.Tensor2D {
  const op = custom(([xi, g, b], save) => {
    const m = xi!.shape[0] as number;
    const { mean, variance } = tf.moments(xi!, 0);
    const invStd = tf.rsqrt(tf.add(variance, epsilon));
    const xhat = tf.mul(tf.sub(xi!, mean), invStd);
    save([xhat, invStd, g!]);
    if (onMoments) onMoments({ mean: tf.keep(mean) as tf.Tensor1D, variance: tf.keep(variance) as tf.Tensor1D });
    return {
      value: tf.add(tf.mul(xhat, g!), b!),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xh, is, gm] = saved as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D];
        const dBeta = tf.sum(dy, 0);
        const dGamma = tf.sum(tf.mul(dy, xh), 0);
        const dx = tf.mul(
          tf.mul(gm, is),
          tf.sub(dy, tf.add(tf.div(dBeta, m), tf.mul(xh, tf.div(dGamma, m)))),
        );
        return [dx, dGamma, dBeta];
      },
    };
  });
  return op(x, gamma, beta) as tf.Tensor2D;
}

/**
 * Ghost BN (Hoffer et al. 2017): BN in training mode over each chunk of `group` consecutive rows, with
 * the closed-form backward of batchNormTrain applied per chunk (x viewed as [chunks, group, k]).
 * Rows must be a multiple of `group`. `onMoments` gets [chunks, k] moments (kept; the caller disposes).
 */
export function batchNormGhost(
  x: tf.Tensor2D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  epsilon: number,
  group: number,
  onMoments?: (m: BatchMoments) => void,
): tf.Tensor2D {
  const [rows, k] = x.shape;
  if (rows % group !== 0) throw new Error(`ghost BN: ${rows} rows is not a multiple of ghostBatchSize ${group}`);
  const chunks = rows / group;
  const op = custom(([xi, g, b], save) => {
    const x3 = tf.reshape(xi!, [chunks, group, k]);
    const { mean, variance } = tf.moments(x3, 1, true); // [chunks, 1, k]
    const invStd = tf.rsqrt(tf.add(variance, epsilon));
    const xhat = tf.mul(tf.sub(x3, mean), invStd);
    save([xhat, invStd, g!]);
    if (onMoments) {
      onMoments({
        mean: tf.keep(tf.reshape(mean, [chunks, k])) as unknown as tf.Tensor1D,
        variance: tf.keep(tf.reshape(variance, [chunks, k])) as unknown as tf.Tensor1D,
      });
    }
    return {
      value: tf.reshape(tf.add(tf.mul(xhat, g!), b!), [rows, k]),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xh, is, gm] = saved as [tf.Tensor3D, tf.Tensor3D, tf.Tensor1D];
        const d3 = tf.reshape(dy, [chunks, group, k]);
        const dyx = tf.mul(d3, xh);
        const perChunk = tf.add(tf.div(tf.sum(d3, 1, true), group), tf.mul(xh, tf.div(tf.sum(dyx, 1, true), group)));
        const dx = tf.reshape(tf.mul(tf.mul(gm, is), tf.sub(d3, perChunk)), [rows, k]);
        return [dx, tf.sum(dyx, [0, 1]), tf.sum(d3, [0, 1])];
      },
    };
  });
  return op(x, gamma, beta) as tf.Tensor2D;
}

/** The clipping limits of Batch Renormalization at one step. */
export interface RenormLimits {
  rMax: number;
  dMax: number;
}

/**
 * Batch Renormalization in training mode (Ioffe 2017, docs/science.md#bn-variants), with σ = sqrt(var + ε):
 * r = clip(σ_B/σ_moving, 1/rMax, rMax), d = clip((μ_B − μ_moving)/σ_moving, ±dMax), both treated as
 * constants (stop-gradient); y = γ(x̂·r + d) + β with x̂ the BN-normalized x. That is BN with scale γr
 * and shift γd + β, so the backward is batchNormTrain's with γr: dx = γr/σ_B · (dy − mean(dy) −
 * x̂·mean(dy·x̂)), dγ = Σ dy·(r x̂ + d), dβ = Σ dy. With r = 1, d = 0 it is batchNormTrain.
 */
export function batchRenormTrain(
  x: tf.Tensor2D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  movingMean: tf.Tensor1D,
  movingVar: tf.Tensor1D,
  epsilon: number,
  limits: RenormLimits,
  onMoments?: (m: BatchMoments) => void,
): tf.Tensor2D {
  const op = custom(([xi, g, b], save) => {
    const m = xi!.shape[0] as number;
    const { mean, variance } = tf.moments(xi!, 0);
    const invStd = tf.rsqrt(tf.add(variance, epsilon));
    const sigma = tf.sqrt(tf.add(movingVar, epsilon));
    const r = tf.clipByValue(tf.div(tf.sqrt(tf.add(variance, epsilon)), sigma), 1 / limits.rMax, limits.rMax);
    const d = tf.clipByValue(tf.div(tf.sub(mean, movingMean), sigma), -limits.dMax, limits.dMax);
    const xhat = tf.mul(tf.sub(xi!, mean), invStd);
    const gr = tf.mul(g!, r);
    save([xhat, invStd, gr, r, d]);
    if (onMoments) onMoments({ mean: tf.keep(mean) as tf.Tensor1D, variance: tf.keep(variance) as tf.Tensor1D });
    return {
      value: tf.add(tf.mul(xhat, gr), tf.add(tf.mul(g!, d), b!)),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xh, is, gsc, rr, dd] = saved as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
        const dBeta = tf.sum(dy, 0);
        const dyx = tf.sum(tf.mul(dy, xh), 0);
        const dx = tf.mul(tf.mul(gsc, is), tf.sub(dy, tf.add(tf.div(dBeta, m), tf.mul(xh, tf.div(dyx, m)))));
        return [dx, tf.add(tf.mul(rr, dyx), tf.mul(dd, dBeta)), dBeta];
      },
    };
  });
  return op(x, gamma, beta) as tf.Tensor2D;
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
