import { describe, expect, it } from 'vitest';
import { GEMM_WASM_BASE64 } from './binary.js';
import { compileGemm } from './compile.js';

describe('the shipped gemm binary', () => {
  it('is wat.ts compiled (run `npm run gen:gemm` after changing wat.ts)', async () => {
    const bytes = await compileGemm();
    expect(Buffer.from(bytes).toString('base64')).toBe(GEMM_WASM_BASE64);
  });
});
