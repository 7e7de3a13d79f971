import { tf } from '../tf.js';
import { offsetOf, ownKernelsOn, type WasmBackendParts } from './wasm/module.js';

/*
 * Sums and means over the rows axis (axis rank − 2: the batch rows of [K, B, W] or [B, W]) in one pass on
 * wasm: tfjs's wasm Sum and Mean first copy a transposed tensor so the axis is last, then add each
 * column's rows in order; bn-exp's `rowsums` kernel (wasm/wat.ts) adds them in the same order where they
 * are, four columns per SIMD lane group, so the values are bit-identical without the copy. Other axes,
 * dtypes and backends use tf.sum / tf.mean.
 */

const KERNEL = 'BnExpRowSums';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

function rowSums({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const be = backend as WasmBackendParts;
  const x = inputs.x!;
  const { mean, keep } = attrs as unknown as { mean: boolean; keep: boolean };
  const shape = x.shape;
  const rows = shape[shape.length - 2]!;
  const cols = shape[shape.length - 1]!;
  const count = shape.slice(0, -2).reduce((a, d) => a * d, 1);
  const outShape = keep ? [...shape.slice(0, -2), 1, cols] : [...shape.slice(0, -2), cols];
  const out = be.makeOutput(outShape, 'float32');
  ownKernelsOn(be)!.rowsums(offsetOf(be, x), offsetOf(be, out), count, rows, cols, mean ? 1 : 0);
  return out;
}

let registered = false;

function reduceRows(x: tf.Tensor, axis: number, keep: boolean, mean: boolean): tf.Tensor {
  const fits = tf.getBackend() === 'wasm' && x.dtype === 'float32' && x.rank >= 2 && axis === x.rank - 2 && x.size > 0 && ownKernelsOn(tf.backend() as unknown as WasmBackendParts) !== null;
  if (!fits) return mean ? tf.mean(x, axis, keep) : tf.sum(x, axis, keep);
  if (!registered) {
    if (!tf.getKernel(KERNEL, 'wasm')) {
      tf.registerKernel({ kernelName: KERNEL, backendName: 'wasm', kernelFunc: rowSums as unknown as tf.KernelFunc });
      // Autodiff through it (the ops here have explicit backward passes; tests differentiate them too).
      tf.registerGradient({
        kernelName: KERNEL,
        inputsToSave: ['x'],
        gradFunc: (dy, saved, attrs) => {
          const [xs] = saved as [tf.Tensor];
          const { mean: isMean, keep: kept } = attrs as unknown as { mean: boolean; keep: boolean };
          const rowsAt = xs.rank - 2;
          return {
            x: () => {
              const d = kept ? (dy as tf.Tensor) : tf.expandDims(dy as tf.Tensor, rowsAt);
              const spread = tf.mul(d, tf.onesLike(xs));
              return isMean ? tf.div(spread, xs.shape[rowsAt]!) : spread;
            },
          };
        },
      });
    }
    registered = true;
  }
  return tf.engine().runKernel(KERNEL, { x }, { mean, keep } as unknown as tf.NamedAttrMap) as tf.Tensor;
}

/** tf.sum(x, axis, keep), in one pass without a transposed copy where axis is the rows axis (on wasm). */
export function sumOver(x: tf.Tensor, axis: number, keep: boolean): tf.Tensor {
  return reduceRows(x, axis, keep, false);
}

/** tf.mean(x, axis, keep), in one pass without a transposed copy where axis is the rows axis (on wasm). */
export function meanOver(x: tf.Tensor, axis: number, keep: boolean): tf.Tensor {
  return reduceRows(x, axis, keep, true);
}
