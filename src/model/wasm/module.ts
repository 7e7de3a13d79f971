import { KERNELS_WASM_BASE64 } from './binary.js';

/*
 * bn-exp's own wasm kernels (wat.ts) instantiated on the memory of tfjs's wasm backend, so they work on
 * tensors where they are (a tensor's data is at its `memoryOffset` in that memory).
 */

/** The WebAssembly API used here (Node's global; the project's TypeScript libs do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: abstract new (...args: never[]) => object;
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** The parts of tfjs-backend-wasm's BackendWasm the kernels use (its public fields in 4.22). */
export interface WasmBackendParts {
  wasm: {
    asm: { memory: object };
    cwrap(name: string, returns: null, args: string[]): (...args: unknown[]) => void;
    tfjs: { registerTensor(id: number, size: number, offset: number): void; disposeData(id: number): void };
  };
  dataIdMap: { get(dataId: object): { id: number; memoryOffset: number } };
  dataIdNextNumber: number;
  makeOutput(shape: number[], dtype: 'float32'): { dataId: object; shape: number[]; dtype: 'float32' };
}

export interface OwnKernels {
  /** C = A·B with A(m, k) at a + 4·(m·sam + k·sak); byte pointers. */
  gemm(a: number, b: number, c: number, m: number, k: number, n: number, sam: number, sak: number): void;
  /** For each of `count` [R, C] matrices at x, the column sums over rows (means when `mean` is 1) into out. */
  rowsums(x: number, unused: number, out: number, count: number, rows: number, cols: number, mean: number): void;
  /** The same of (x − p)², p [count, C] one value per column. */
  rowcsq(x: number, p: number, out: number, count: number, rows: number, cols: number, mean: number): void;
  /** The same of x·y, y [count, R, C]. */
  rowdot(x: number, y: number, out: number, count: number, rows: number, cols: number, mean: number): void;
  /** BN's batch moments of each matrix: mean, variance, 1/sqrt(variance + eps), each [count, C]. */
  bnmoments(x: number, mean: number, variance: number, invstd: number, count: number, rows: number, cols: number, eps: number): void;
  /** BN's training forward: xhat = (x − mean)·invstd, y = xhat·gamma + beta (parameters [count, C]). */
  bnforward(x: number, mean: number, invstd: number, gamma: number, beta: number, xhat: number, y: number, count: number, rows: number, cols: number): void;
  /** BN's backward: dx = (gamma·invstd)·(dy − (dbeta/m + xhat·(dgamma/m))). */
  bnbackward(dy: number, xhat: number, dbeta: number, dgamma: number, gamma: number, invstd: number, dx: number, count: number, rows: number, cols: number, m: number): void;
  /** out = a·x + c·y over n elements (a·x + y when `plain` is 1), float32 operations as tfjs's kernels. */
  scaledsum(x: number, y: number, out: number, n: number, a: number, c: number, plain: number): void;
}

let compiled: object | null | undefined;
let instance: { wasm: unknown; kernels: OwnKernels | null } | undefined;

let disabled = false;

/**
 * Turns bn-exp's kernels off (true) or back on, so tests can check the paths taken where they cannot run
 * (the backend's BatchMatMul on views, tfjs's Sum and Mean, the JS update loop) against them.
 */
export function disableOwnKernels(off: boolean): void {
  disabled = off;
}

/** The kernels on this backend's memory, or null where they cannot run (no wasm SIMD, a shared memory). */
export function ownKernelsOn(backend: WasmBackendParts): OwnKernels | null {
  if (disabled) return null;
  if (instance?.wasm === backend.wasm) return instance.kernels;
  let kernels: OwnKernels | null = null;
  try {
    if (compiled === undefined) compiled = new WA.Module(Buffer.from(KERNELS_WASM_BASE64, 'base64'));
    const memory = backend.wasm.asm?.memory;
    if (compiled && memory instanceof WA.Memory) {
      kernels = new WA.Instance(compiled, { env: { memory } }).exports as unknown as OwnKernels;
    }
  } catch {
    compiled = null;
  }
  instance = { wasm: backend.wasm, kernels };
  return kernels;
}

/** A tensor's byte offset in the wasm memory. */
export function offsetOf(backend: WasmBackendParts, info: { dataId: object }): number {
  return backend.dataIdMap.get(info.dataId).memoryOffset;
}
