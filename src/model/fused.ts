import { tf } from '../tf.js';
import { offsetOf, ownKernelsOn, type WasmBackendParts } from './wasm/module.js';
import { registerWasmKernel, type KernelArgs } from './wasm/register.js';

const { util } = tf;

/*
 * Many small element-wise updates in one engine dispatch: out_i = a_k·x_i + c_k·y_i for pairs (x_i, y_i)
 * of [K, ...] tensors, with a_k, c_k per model (the optimizer's w <- (−lr)·g + w, BN's moving
 * <- m·moving + (1 − m)·batch). On wasm one kernel computes every pair straight on the heap with bn-exp's
 * `scaledsum` (wasm/wat.ts: float32 multiplies and adds in SIMD lanes), or where that module cannot run,
 * in JS, each product and the sum rounded to float32 (Math.fround): a product of two float32 values is exact in
 * float64 and float64 (53 bits) rounds +, × of float32 operands without double-rounding error
 * (53 >= 2·24 + 2), so the values are bit-identical to wasm's Multiply and Add kernels. Other backends
 * run those tf ops.
 */

const KERNEL = 'BnExpScaledSums';

/** The public methods of tfjs-backend-wasm's BackendWasm this kernel uses (as row-slices.ts). */
interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

function scaledSumsKernel({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] {
  const b = backend as WasmHeapBackend;
  const { a, c, pairs } = attrs as unknown as { a: number[]; c: number[]; pairs: number };
  const k = a.length;
  // Allocate first: an allocation may grow the heap, which detaches views taken before it.
  const outs = Array.from({ length: pairs }, (_, i) => b.makeOutput(inputs[`x${i}`]!.shape, 'float32'));
  const own = ownKernelsOn(b as unknown as WasmBackendParts);
  outs.forEach((o, i) => {
    const xi = inputs[`x${i}`]!;
    const yi = inputs[`y${i}`]!;
    const per = util.sizeFromShape(xi.shape) / k;
    if (own) {
      // bn-exp's wasm kernel: the same float32 operations, in SIMD lanes.
      const be = b as unknown as WasmBackendParts;
      const [ox, oy, oo] = [offsetOf(be, xi), offsetOf(be, yi), offsetOf(be, o)];
      for (let m = 0; m < k; m++) own.scaledsum(ox + 4 * m * per, oy + 4 * m * per, oo + 4 * m * per, per, a[m]!, c[m]!, c[m] === 1 ? 1 : 0);
      return;
    }
    const x = b.typedArrayFromHeap(xi);
    const y = b.typedArrayFromHeap(yi);
    const out = b.typedArrayFromHeap(o);
    for (let m = 0; m < k; m++) {
      const am = a[m]!;
      const cm = c[m]!;
      const end = (m + 1) * per;
      if (cm === 1) for (let j = m * per; j < end; j++) out[j] = Math.fround(am * x[j]!) + y[j]!;
      else for (let j = m * per; j < end; j++) out[j] = Math.fround(am * x[j]!) + Math.fround(cm * y[j]!);
    }
  });
  return outs;
}

/** A per-model multiplier as tf ops take it: the number when the K models share it, else [K, 1, 1]. */
function multiplier(values: number[]): number | tf.Tensor3D {
  return values.every((v) => v === values[0]) ? values[0]! : tf.tensor3d(values, [values.length, 1, 1]);
}

/**
 * a_k·x_i + c_k·y_i for each pair (x_i, y_i) of float32 [K, ...] tensors of one shape per pair, `a` and `c`
 * one value per model (rounded to float32, as a tensor of them would be). Bit-identical to
 * tf.add(tf.mul(x, a), tf.mul(y, c)) (tf.add(tf.mul(x, a), y) where c is 1), in one dispatch on wasm.
 */
export function scaledSums(pairs: [tf.Tensor, tf.Tensor][], a: number[], c: number[]): tf.Tensor[] {
  if (pairs.length === 0) return [];
  const af = a.map(Math.fround);
  const cf = c.map(Math.fround);
  if (tf.getBackend() !== 'wasm') {
    return tf.tidy(() => {
      const am = multiplier(af);
      const cm = cf.every((v) => v === 1) ? undefined : multiplier(cf);
      return pairs.map(([x, y]) => tf.add(tf.mul(x, am), cm === undefined ? y : tf.mul(y, cm)));
    });
  }
  registerWasmKernel(KERNEL, scaledSumsKernel);
  const inputs: tf.NamedTensorMap = {};
  pairs.forEach(([x, y], i) => {
    if (x.dtype !== 'float32' || y.dtype !== 'float32' || x.size !== y.size || x.size % a.length !== 0) {
      throw new Error(`scaledSums: pair ${i} is not two float32 tensors of one size over ${a.length} models`);
    }
    inputs[`x${i}`] = x;
    inputs[`y${i}`] = y;
  });
  return tf.engine().runKernel(KERNEL, inputs, { a: af, c: cf, pairs: pairs.length } as unknown as tf.NamedAttrMap) as unknown as tf.Tensor[];
}
