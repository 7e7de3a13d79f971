import * as tf from '@tensorflow/tfjs';

/*
 * tf.unstack along axis 0 without wasm's quadratic copy. tfjs-backend-wasm 4.22 implements Unpack (and
 * SplitV) as one Slice per output, and its Slice reads the WHOLE input through readSync (a copy of the
 * input out of the wasm heap) for every output: splitting [8, 64, 64] costs 8 copies of the whole tensor,
 * ~250 µs, more than the 8 matMuls that follow. This kernel copies each slice once, straight on the heap,
 * in one engine dispatch. Other backends use tf.unstack.
 */

const KERNEL = 'BnExpUnstackRows';

/** The two public methods of tfjs-backend-wasm's BackendWasm this kernel uses. */
interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

function unstackRows({ inputs, backend }: { inputs: tf.NamedTensorInfoMap; backend: unknown }): tf.TensorInfo[] {
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

let registered = false;

/** The rows of `t` along axis 0, as tf.unstack(t) (one copy per row on wasm). */
export function unstackRowsOf<T extends tf.Tensor>(t: tf.Tensor): T[] {
  if (tf.getBackend() !== 'wasm') return tf.unstack(t) as T[];
  if (!registered) {
    if (!tf.getKernel(KERNEL, 'wasm')) tf.registerKernel({ kernelName: KERNEL, backendName: 'wasm', kernelFunc: unstackRows as unknown as tf.KernelFunc });
    registered = true;
  }
  return tf.engine().runKernel(KERNEL, { x: t }) as unknown as T[];
}
