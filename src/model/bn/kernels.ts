import { tf } from '../../tf.js';
import { offsetOf, ownKernelsOn, type WasmBackendParts } from '../wasm/module.js';
import { registerWasmKernel, type KernelArgs } from '../wasm/register.js';

/*
 * BN's element-wise training forward and closed-form backward, each in one wasm pass over the batch
 * (bn-exp's `bnforward` and `bnbackward`, wasm/wat.ts) instead of 4 and 8 tfjs kernels with a tensor
 * between each: per element the same float32 operations in the same order as the tf ops they replace
 * (written out below as the fallback), so the values are bit-identical. x and dy are [..., R, C]; the
 * per-unit tensors (mean, 1/std, γ, β, Σdy, Σdy·x̂) hold one row of C per matrix of x.
 */

const MOMENTS = 'BnExpBnMoments';
const FORWARD = 'BnExpBnForward';
const BACKWARD = 'BnExpBnBackward';

/** x's matrices, rows and columns. */
function dims(shape: number[]): [number, number, number] {
  return [shape.slice(0, -2).reduce((a, d) => a * d, 1), shape[shape.length - 2]!, shape[shape.length - 1]!];
}

function momentsKernel({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] {
  const be = backend as WasmBackendParts;
  const x = inputs.x!;
  const { keep, epsilon } = attrs as unknown as { keep: boolean; epsilon: number };
  const [count, rows, cols] = dims(x.shape);
  const shape = keep ? [...x.shape.slice(0, -2), 1, cols] : [...x.shape.slice(0, -2), cols];
  const outs = [be.makeOutput(shape, 'float32'), be.makeOutput(shape, 'float32'), be.makeOutput(shape, 'float32')];
  const [mean, variance, invStd] = outs.map((o) => offsetOf(be, o)) as [number, number, number];
  ownKernelsOn(be)!.bnmoments(offsetOf(be, x), mean, variance, invStd, count, rows, cols, epsilon);
  return outs;
}

function forwardKernel({ inputs, backend }: KernelArgs): tf.TensorInfo[] {
  const be = backend as WasmBackendParts;
  const { x, mean, invStd, gamma, beta } = inputs as Record<string, tf.TensorInfo>;
  const xhat = be.makeOutput(x!.shape, 'float32');
  const y = be.makeOutput(x!.shape, 'float32');
  const [count, rows, cols] = dims(x!.shape);
  const at = (t: tf.TensorInfo) => offsetOf(be, t);
  ownKernelsOn(be)!.bnforward(at(x!), at(mean!), at(invStd!), at(gamma!), at(beta!), at(xhat), at(y), count, rows, cols);
  return [xhat, y];
}

function backwardKernel({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const be = backend as WasmBackendParts;
  const { dy, xhat, dBeta, dGamma, gamma, invStd } = inputs as Record<string, tf.TensorInfo>;
  const dx = be.makeOutput(dy!.shape, 'float32');
  const [count, rows, cols] = dims(dy!.shape);
  const at = (t: tf.TensorInfo) => offsetOf(be, t);
  const { m } = attrs as unknown as { m: number };
  ownKernelsOn(be)!.bnbackward(at(dy!), at(xhat!), at(dBeta!), at(dGamma!), at(gamma!), at(invStd!), at(dx), count, rows, cols, m);
  return dx;
}

/** Whether the wasm pass serves x (float32, rank >= 2) with per-unit tensors of one row per matrix. */
function fits(x: tf.Tensor, perUnit: tf.Tensor[]): boolean {
  if (tf.getBackend() !== 'wasm' || x.rank < 2 || x.size === 0) return false;
  const [count, , cols] = dims(x.shape);
  return (
    [x, ...perUnit].every((t) => t.dtype === 'float32') &&
    perUnit.every((t) => t.size === count * cols) &&
    ownKernelsOn(tf.backend() as unknown as WasmBackendParts) !== null
  );
}

/**
 * BN's batch moments over the rows axis (rank − 2) and 1/sqrt(variance + ε), in one pass per column block
 * on wasm; elsewhere `moments` (the tf path: mean, then the mean of the squared deviations) and
 * tf.rsqrt(tf.add(variance, ε)), which the pass equals bit for bit.
 */
export function bnMoments(
  x: tf.Tensor,
  keep: boolean,
  epsilon: number,
  moments: () => { mean: tf.Tensor; variance: tf.Tensor },
): { mean: tf.Tensor; variance: tf.Tensor; invStd: tf.Tensor } {
  if (!fits(x, [])) {
    const { mean, variance } = moments();
    return { mean, variance, invStd: tf.rsqrt(tf.add(variance, epsilon)) };
  }
  registerWasmKernel(MOMENTS, momentsKernel);
  const [mean, variance, invStd] = tf.engine().runKernel(MOMENTS, { x }, { keep, epsilon } as unknown as tf.NamedAttrMap) as unknown as tf.Tensor[];
  return { mean: mean!, variance: variance!, invStd: invStd! };
}

/** x̂ = (x − mean)·invStd and y = x̂·γ + β, as tf.mul(tf.sub(x, mean), invStd) and tf.add(tf.mul(x̂, γ), β). */
export function bnForwardValues(x: tf.Tensor, mean: tf.Tensor, invStd: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): { xhat: tf.Tensor; y: tf.Tensor } {
  if (!fits(x, [mean, invStd, gamma, beta])) {
    const xhat = tf.mul(tf.sub(x, mean), invStd);
    return { xhat, y: tf.add(tf.mul(xhat, gamma), beta) };
  }
  registerWasmKernel(FORWARD, forwardKernel);
  const [xhat, y] = tf.engine().runKernel(FORWARD, { x, mean, invStd, gamma, beta }) as unknown as [tf.Tensor, tf.Tensor];
  return { xhat: xhat!, y: y! };
}

/**
 * dx = (γ·invStd)·(dy − (Σdy/m + x̂·(Σdy·x̂/m))), as
 * tf.mul(tf.mul(γ, invStd), tf.sub(dy, tf.add(tf.div(dBeta, m), tf.mul(x̂, tf.div(dGamma, m))))).
 */
export function bnBackwardDx(dy: tf.Tensor, xhat: tf.Tensor, dBeta: tf.Tensor, dGamma: tf.Tensor, gamma: tf.Tensor, invStd: tf.Tensor, m: number): tf.Tensor {
  if (!fits(dy, [dBeta, dGamma, gamma, invStd]) || xhat.size !== dy.size) {
    return tf.mul(tf.mul(gamma, invStd), tf.sub(dy, tf.add(tf.div(dBeta, m), tf.mul(xhat, tf.div(dGamma, m)))));
  }
  registerWasmKernel(BACKWARD, backwardKernel);
  return tf.engine().runKernel(BACKWARD, { dy, xhat, dBeta, dGamma, gamma, invStd }, { m } as unknown as tf.NamedAttrMap) as tf.Tensor;
}
