import { kernelsWat } from './wat.js';

/**
 * The module of wat.ts compiled to wasm bytes with wabt (a development dependency: the package ships the
 * bytes in binary.ts and never compiles at run time).
 */
export async function compileKernels(): Promise<Uint8Array> {
  const { default: wabt } = (await import('wabt')) as { default: () => Promise<{ parseWat(name: string, text: string, features: { simd: boolean }): { toBinary(o: object): { buffer: Uint8Array }; destroy(): void } }> };
  const mod = (await wabt()).parseWat('kernels.wat', kernelsWat(), { simd: true });
  try {
    return mod.toBinary({}).buffer;
  } finally {
    mod.destroy();
  }
}
