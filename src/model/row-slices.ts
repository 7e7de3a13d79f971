import { tf } from '../tf.js';
import { registerWasmKernel, type KernelArgs } from './wasm/register.js';

/*
 * Row slices and splits along axis 0 without wasm's whole-input copies. tfjs-backend-wasm 4.22's Slice
 * reads the WHOLE input out of the wasm heap (readSync copies it) before copying the slice, and Unpack
 * / SplitV are one Slice per output: taking 64 rows of a 60000 x 784 tensor costs 157 ms, splitting
 * [8, 64, 64] into 8 copies the whole tensor 8 times. These kernels copy each row block once, straight
 * on the heap, in one engine dispatch. Other backends use tf.slice / tf.unstack.
 */

const UNSTACK = 'BnExpUnstackRows';
const SLICE = 'BnExpSliceRows';

/** The two public methods of tfjs-backend-wasm's BackendWasm these kernels use. */
interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

function unstackRows({ inputs, backend }: KernelArgs): tf.TensorInfo[] {
  const b = backend as WasmHeapBackend;
  const x = inputs.x!;
  const [count, ...shape] = x.shape;
  const size = shape.reduce((a, d) => a * d, 1);
  // Allocate first: an allocation may grow the heap, which detaches views taken before it.
  const outs = Array.from({ length: count ?? 0 }, () => b.makeOutput(shape, x.dtype));
  const src = b.typedArrayFromHeap(x);
  outs.forEach((o, i) => b.typedArrayFromHeap(o).set(src.subarray(i * size, (i + 1) * size)));
  return outs;
}

function sliceRows({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const b = backend as WasmHeapBackend;
  const x = inputs.x!;
  const { start, size } = attrs as { start: number; size: number };
  const rowSize = x.shape.slice(1).reduce((a, d) => a * d, 1);
  const out = b.makeOutput([size, ...x.shape.slice(1)], x.dtype); // before any view (see above)
  b.typedArrayFromHeap(out).set(b.typedArrayFromHeap(x).subarray(start * rowSize, (start + size) * rowSize));
  return out;
}

/** The rows of `t` along axis 0, as tf.unstack(t) (one copy per row on wasm). */
export function unstackRowsOf<T extends tf.Tensor>(t: tf.Tensor): T[] {
  if (tf.getBackend() !== 'wasm') return tf.unstack(t) as T[];
  registerWasmKernel(UNSTACK, unstackRows);
  return tf.engine().runKernel(UNSTACK, { x: t }) as unknown as T[];
}

/** Rows [start, start + size) of `t` (all other axes whole), as tf.slice; copies only those rows on wasm. */
export function sliceRowsOf<T extends tf.Tensor>(t: T, start: number, size: number): T {
  if (tf.getBackend() !== 'wasm' || t.dtype === 'string') {
    return tf.slice(t, [start, ...t.shape.slice(1).map(() => 0)], [size, ...t.shape.slice(1).map(() => -1)]) as T;
  }
  registerWasmKernel(SLICE, sliceRows);
  return tf.engine().runKernel(SLICE, { x: t }, { start, size }) as unknown as T;
}
