import { tf } from '../tf.js';
import { offsetOf, ownKernelsOn, type WasmBackendParts } from './wasm/module.js';
import { registerWasmKernel, type KernelArgs } from './wasm/register.js';

/*
 * Reductions over the rows axis (axis rank − 2: the batch rows of [K, B, W] or [B, W]) in one pass on wasm:
 * tfjs's wasm Sum and Mean first copy a transposed tensor so the axis is last, then add each column's rows
 * in order; bn-exp's row kernels (wasm/wat.ts) add them in the same order where they are, four columns per
 * SIMD lane group, so the values are bit-identical without the copy. The centered squares (x − p)² of a
 * variance and the products x·y of a BN gradient are formed in the same pass, rounded as tf.square(tf.sub)
 * and tf.mul round them, without the intermediate tensor. Other axes, dtypes and backends use tf ops.
 */

const KERNEL = 'BnExpRowReduce';

/** What is added per row: x, (x − p)² with p per column ([..., 1, C]), or x·y with y shaped as x. */
type Kind = 'sum' | 'csq' | 'dot';
const EXPORT = { sum: 'rowsums', csq: 'rowcsq', dot: 'rowdot' } as const;

function rowReduce({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const be = backend as WasmBackendParts;
  const x = inputs.x!;
  const { kind, mean, keep } = attrs as unknown as { kind: Kind; mean: boolean; keep: boolean };
  const shape = x.shape;
  const rows = shape[shape.length - 2]!;
  const cols = shape[shape.length - 1]!;
  const count = shape.slice(0, -2).reduce((a, d) => a * d, 1);
  const outShape = keep ? [...shape.slice(0, -2), 1, cols] : [...shape.slice(0, -2), cols];
  const out = be.makeOutput(outShape, 'float32');
  const y = inputs.y ? offsetOf(be, inputs.y) : 0;
  ownKernelsOn(be)![EXPORT[kind]](offsetOf(be, x), y, offsetOf(be, out), count, rows, cols, mean ? 1 : 0);
  return out;
}

/** Autodiff through a plain sum or mean (ops with explicit backward passes never ask; tests do). */
const gradient: tf.GradConfig['gradFunc'] = (dy, saved, attrs) => {
  const [xs] = saved as [tf.Tensor];
  const { kind, mean, keep } = attrs as unknown as { kind: Kind; mean: boolean; keep: boolean };
  if (kind !== 'sum') throw new Error(`${KERNEL}: no gradient for ${kind} (it serves explicit backward passes)`);
  const rowsAt = xs.rank - 2;
  return {
    x: () => {
      const d = keep ? (dy as tf.Tensor) : tf.expandDims(dy as tf.Tensor, rowsAt);
      const spread = tf.mul(d, tf.onesLike(xs));
      return mean ? tf.div(spread, xs.shape[rowsAt]!) : spread;
    },
  };
};

/** Whether the row kernels serve a reduction of x over `axis` (and its second operand's shape). */
function fits(x: tf.Tensor, axis: number, y?: tf.Tensor, yShape?: number[]): boolean {
  return (
    tf.getBackend() === 'wasm' &&
    x.dtype === 'float32' &&
    x.rank >= 2 &&
    axis === x.rank - 2 &&
    x.size > 0 &&
    (y === undefined || (y.dtype === 'float32' && y.size === yShape!.reduce((a, d) => a * d, 1))) &&
    ownKernelsOn(tf.backend() as unknown as WasmBackendParts) !== null
  );
}

function run(kind: Kind, x: tf.Tensor, y: tf.Tensor | undefined, keep: boolean, mean: boolean): tf.Tensor {
  registerWasmKernel(KERNEL, rowReduce, gradient, ['x']);
  return tf.engine().runKernel(KERNEL, y ? { x, y } : { x }, { kind, mean, keep } as unknown as tf.NamedAttrMap) as tf.Tensor;
}

/** tf.sum(x, axis, keep), in one pass without a transposed copy where axis is the rows axis (on wasm). */
export function sumOver(x: tf.Tensor, axis: number, keep: boolean): tf.Tensor {
  return fits(x, axis) ? run('sum', x, undefined, keep, false) : tf.sum(x, axis, keep);
}

/** tf.mean(x, axis, keep), in one pass without a transposed copy where axis is the rows axis (on wasm). */
export function meanOver(x: tf.Tensor, axis: number, keep: boolean): tf.Tensor {
  return fits(x, axis) ? run('sum', x, undefined, keep, true) : tf.mean(x, axis, keep);
}

/** tf.mean(tf.square(tf.sub(x, p)), axis, keep) with p x's mean over the rows axis, kept ([..., 1, C]). */
export function centeredSquareMeanOver(x: tf.Tensor, p: tf.Tensor, axis: number, keep: boolean): tf.Tensor {
  const pShape = [...x.shape.slice(0, -2), 1, x.shape[x.rank - 1]!];
  return fits(x, axis, p, pShape) ? run('csq', x, p, keep, true) : tf.mean(tf.square(tf.sub(x, p)), axis, keep);
}

/** tf.sum(tf.mul(x, y), axis, keep) for x, y of one shape, in one pass where axis is the rows axis. */
export function sumOfProductsOver(x: tf.Tensor, y: tf.Tensor, axis: number, keep: boolean): tf.Tensor {
  return fits(x, axis, y, x.shape) ? run('dot', x, y, keep, false) : tf.sum(tf.mul(x, y), axis, keep);
}
