import { tf } from '../tf.js';

/*
 * The K matMuls of a group, a_k·b_k for [K, m, n] x [K, n, p] -> [K, m, p], in one engine dispatch on wasm.
 * tfjs-backend-wasm 4.22 sends a matMul to XNNPACK only when it is transpose-free with a batch dimension of
 * 1 (anything else takes a scalar loop 10-15x slower), so a group's matMul used to be a split of each
 * operand into K matrices (copies), K 2-D matMuls and a join (another copy). This kernel allocates the
 * [K, m, p] output once and calls the backend's own BatchMatMul export K times on views of the operands:
 * each model's matrices are registered with the wasm module under temporary tensor ids that point into
 * the group's buffers (nothing is copied), and deregistered after the call (which also deletes the
 * XNNPACK operator cached on them; the memory stays the group tensors'). Each model gets the very XNNPACK
 * call a 2-D matMul of its own matrices gets, so the values are bit-identical to the split path. Other
 * backends split and join.
 */

const KERNEL = 'BnExpGroupMatMul';

/** The parts of tfjs-backend-wasm's BackendWasm this kernel uses (its public fields in 4.22). */
interface WasmBackendParts {
  wasm: {
    cwrap(name: string, returns: null, args: string[]): (...args: unknown[]) => void;
    tfjs: { registerTensor(id: number, size: number, offset: number): void; disposeData(id: number): void };
  };
  dataIdMap: { get(dataId: tf.DataId): { id: number; memoryOffset: number } };
  dataIdNextNumber: number;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown };

let batchMatMul: ((...args: unknown[]) => void) | undefined;
let batchMatMulOf: unknown;

function groupMatMul({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const be = backend as WasmBackendParts;
  const a = inputs.a!;
  const b = inputs.b!;
  const [k, m, n] = a.shape as [number, number, number];
  const p = b.shape[2]!;
  if (batchMatMulOf !== be.wasm) {
    batchMatMul = be.wasm.cwrap('BatchMatMul', null, ['number', 'array', 'number', 'number', 'array', 'number', 'number', 'number', 'number']);
    batchMatMulOf = be.wasm;
  }
  const out = be.makeOutput([k, m, p], 'float32');
  const offA = be.dataIdMap.get(a.dataId).memoryOffset;
  const offB = be.dataIdMap.get(b.dataId).memoryOffset;
  const offOut = be.dataIdMap.get(out.dataId).memoryOffset;
  const aShape = new Uint8Array(new Int32Array([1, m, n]).buffer);
  const bShape = new Uint8Array(new Int32Array([1, n, p]).buffer);
  const { registerTensor, disposeData } = be.wasm.tfjs;
  for (let i = 0; i < k; i++) {
    const aId = be.dataIdNextNumber++;
    const bId = be.dataIdNextNumber++;
    const outId = be.dataIdNextNumber++;
    registerTensor(aId, m * n, offA + 4 * i * m * n);
    registerTensor(bId, n * p, offB + 4 * i * n * p);
    registerTensor(outId, m * p, offOut + 4 * i * m * p);
    batchMatMul!(aId, aShape, 3, bId, bShape, 3, 0, 0, outId);
    disposeData(aId);
    disposeData(bId);
    disposeData(outId);
  }
  return out;
}

let registered = false;

function register(splitJoin: (a: tf.Tensor3D, b: tf.Tensor3D) => tf.Tensor3D): void {
  if (registered) return;
  if (!tf.getKernel(KERNEL, 'wasm')) {
    tf.registerKernel({ kernelName: KERNEL, backendName: 'wasm', kernelFunc: groupMatMul as unknown as tf.KernelFunc });
    // Autodiff through it (inference forwards under tf.grad): the gradients of a plain batched matMul.
    tf.registerGradient({
      kernelName: KERNEL,
      inputsToSave: ['a', 'b'],
      gradFunc: (dy, saved) => {
        const [a, b] = saved as [tf.Tensor3D, tf.Tensor3D];
        const d = dy as tf.Tensor3D;
        return {
          a: () => groupMatMulOf(d, tf.transpose(b, [0, 2, 1]), splitJoin),
          b: () => groupMatMulOf(tf.transpose(a, [0, 2, 1]), d, splitJoin),
        };
      },
    });
  }
  registered = true;
}

/**
 * a_k·b_k for each model of a group ([K, m, n] x [K, n, p], float32): one dispatch on wasm, bit-identical
 * to K 2-D matMuls; `splitJoin` (the split, matMul and join) on other backends.
 */
export function groupMatMulOf(a: tf.Tensor3D, b: tf.Tensor3D, splitJoin: (a: tf.Tensor3D, b: tf.Tensor3D) => tf.Tensor3D): tf.Tensor3D {
  if (tf.getBackend() !== 'wasm' || a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape[0] !== b.shape[0] || a.shape[2] !== b.shape[1]) {
    return splitJoin(a, b);
  }
  register(splitJoin);
  return tf.engine().runKernel(KERNEL, { a, b }) as tf.Tensor3D;
}
