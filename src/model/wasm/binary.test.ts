import { describe, expect, it } from 'vitest';
import { KERNELS_WASM_BASE64 } from './binary.js';
import { compileKernels } from './compile.js';

describe('the shipped wasm kernels', () => {
  it('is wat.ts compiled (run `npm run gen:wasm` after changing wat.ts)', async () => {
    const bytes = await compileKernels();
    expect(Buffer.from(bytes).toString('base64')).toBe(KERNELS_WASM_BASE64);
  });
});
