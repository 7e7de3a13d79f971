import { tf } from '../tf.js';
import { offsetOf, ownKernelsOn, type WasmBackendParts } from './wasm/module.js';
import { registerWasmKernel, type KernelArgs } from './wasm/register.js';

/*
 * The matMuls of the core, a_k·b_k (or a_kᵀ·b_k) for each model k of [K, ...] tensors, in one engine
 * dispatch on wasm, writing straight into one [K, m, p] output:
 *
 * - bn-exp's own wasm kernel (`gemm` of wasm/wat.ts), instantiated on the wasm backend's memory, runs each model's
 *   matMul where its operands already are: no split, no join, no transposed copy of A. Its float32
 *   arithmetic is XNNPACK's, so the values are bit-identical to tf.matMul on wasm; it skips what tfjs 4.22's
 *   XNNPACK path does on every call with a new right operand (create an operator, repack the operand:
 *   16 of the 37 µs of a 64x64x64 matMul).
 * - Where that module cannot run (a wasm build without SIMD), the backend's own BatchMatMul export per
 *   model, on views of the operands registered under temporary tensor ids (the very call a 2-D matMul of
 *   that model's matrices makes; deregistering the ids also deletes the XNNPACK operator cached on them).
 * - Other backends: `fallback` (K 2-D matMuls of the split operands, joined; tf.matMul at K = 1).
 */

const KERNEL = 'BnExpGroupMatMul';

let batchMatMul: ((...args: unknown[]) => void) | undefined;
let batchMatMulOf: unknown;

/** The backend's BatchMatMul on model i's matrices, as views (the fallback without bn-exp's gemm). */
function xnnPerModel(be: WasmBackendParts, offs: [number, number, number], [k, m, n, p]: number[]): void {
  if (batchMatMulOf !== be.wasm) {
    batchMatMul = be.wasm.cwrap('BatchMatMul', null, ['number', 'array', 'number', 'number', 'array', 'number', 'number', 'number', 'number']);
    batchMatMulOf = be.wasm;
  }
  const aShape = new Uint8Array(new Int32Array([1, m!, n!]).buffer);
  const bShape = new Uint8Array(new Int32Array([1, n!, p!]).buffer);
  const { registerTensor, disposeData } = be.wasm.tfjs;
  for (let i = 0; i < k!; i++) {
    const ids = [be.dataIdNextNumber++, be.dataIdNextNumber++, be.dataIdNextNumber++] as const;
    registerTensor(ids[0], m! * n!, offs[0] + 4 * i * m! * n!);
    registerTensor(ids[1], n! * p!, offs[1] + 4 * i * n! * p!);
    registerTensor(ids[2], m! * p!, offs[2] + 4 * i * m! * p!);
    batchMatMul!(ids[0], aShape, 3, ids[1], bShape, 3, 0, 0, ids[2]);
    ids.forEach((id) => disposeData(id));
  }
}

/**
 * Whether bn-exp's gemm beats XNNPACK with a fresh operator for an [m, n] x [n, p] matMul. It reads B in
 * place, so it slows down once B's columns stop fitting in cache (n >= 1024); XNNPACK's repacking pays
 * back over many rows (m >= 256). Measured 2026-12-05, one thread, µs ours / XNNPACK: 64x64x64 26 / 34,
 * 2048x784x100 10,623 / 11,358, 512x512x512 9,767 / 9,770, 64x1024x1024 5,967 / 8,699,
 * 256x1024x1024 23,845 / 23,315, 1024x1024x1024 95,060 / 75,372. Both give the same bits.
 */
function ownGemmFaster(m: number, n: number): boolean {
  return n < 1024 || m < 256;
}

function groupMatMul({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const be = backend as WasmBackendParts;
  const a = inputs.a!;
  const b = inputs.b!;
  const transposeA = (attrs as { transposeA?: boolean } | undefined)?.transposeA === true;
  const k = a.shape[0]!;
  const [m, n] = transposeA ? [a.shape[2]!, a.shape[1]!] : [a.shape[1]!, a.shape[2]!];
  const p = b.shape[2]!;
  const out = be.makeOutput([k, m, p], 'float32');
  const offs: [number, number, number] = [offsetOf(be, a), offsetOf(be, b), offsetOf(be, out)];
  const own = ownKernelsOn(be);
  if (own && (transposeA || ownGemmFaster(m, n))) {
    const [sam, sak] = transposeA ? [1, m] : [n, 1];
    for (let i = 0; i < k; i++) own.gemm(offs[0] + 4 * i * m * n, offs[1] + 4 * i * n * p, offs[2] + 4 * i * m * p, m, n, p, sam, sak);
  } else {
    if (transposeA) throw new Error(`${KERNEL}: transposeA needs bn-exp's gemm module`);
    xnnPerModel(be, offs, [k, m, n, p]);
  }
  return out;
}

/** Each model's matrix transposed: [K, a, b] -> [K, b, a]. */
export function transposedEach(t: tf.Tensor3D): tf.Tensor3D {
  return tf.transpose(t, [0, 2, 1]);
}

type Fallback = (a: tf.Tensor3D, b: tf.Tensor3D) => tf.Tensor3D;

/** Autodiff through it (inference forwards under tf.grad): a batched matMul's gradients. */
function gradient(fallback: Fallback): tf.GradConfig['gradFunc'] {
  return (dy, saved, attrs) => {
    const [a, b] = saved as [tf.Tensor3D, tf.Tensor3D];
    const d = dy as tf.Tensor3D;
    if ((attrs as { transposeA?: boolean }).transposeA) {
      // c = aᵀ·b: da = b·dᵀ, db = a·d.
      return { a: () => groupMatMulOf(b, transposedEach(d), fallback), b: () => groupMatMulOf(a, d, fallback) };
    }
    return { a: () => groupMatMulOf(d, transposedEach(b), fallback), b: () => groupMatMulTransposedA(a, d, fallback) };
  };
}

function register(fallback: Fallback): void {
  registerWasmKernel(KERNEL, groupMatMul, gradient(fallback), ['a', 'b']);
}

function wasmKernelFits(a: tf.Tensor3D, b: tf.Tensor3D, inner: number): boolean {
  return tf.getBackend() === 'wasm' && a.dtype === 'float32' && b.dtype === 'float32' && a.shape[0] === b.shape[0] && inner === b.shape[1];
}

function gemmAvailable(): boolean {
  return ownKernelsOn(tf.backend() as unknown as WasmBackendParts) !== null;
}

/** a_k·b_k for each model ([K, m, n] x [K, n, p] -> [K, m, p]): one dispatch on wasm, `fallback` elsewhere. */
export function groupMatMulOf(a: tf.Tensor3D, b: tf.Tensor3D, fallback: Fallback): tf.Tensor3D {
  if (!wasmKernelFits(a, b, a.shape[2])) return fallback(a, b);
  register(fallback);
  return tf.engine().runKernel(KERNEL, { a, b }, { transposeA: false }) as tf.Tensor3D;
}

/**
 * a_kᵀ·b_k for each model ([K, n, m] x [K, n, p] -> [K, m, p], the weight gradient xᵀ·dy): on wasm one
 * dispatch that reads a through strides (no transposed copy), bit-identical to transposing first.
 */
export function groupMatMulTransposedA(a: tf.Tensor3D, b: tf.Tensor3D, fallback: Fallback): tf.Tensor3D {
  if (!wasmKernelFits(a, b, a.shape[1]) || !gemmAvailable()) return groupMatMulOf(transposedEach(a), b, fallback);
  register(fallback);
  return tf.engine().runKernel(KERNEL, { a, b }, { transposeA: true }) as tf.Tensor3D;
}
