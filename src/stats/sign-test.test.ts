import { describe, expect, it } from 'vitest';
import { signTest } from './sign-test.js';

describe('signTest', () => {
  it('gives the exact binomial p-value (R: binom.test(0, 6)$p.value = 0.03125)', () => {
    expect(signTest([-1, -1, -1, -1, -1, -1]).p).toBeCloseTo(0.03125, 12);
    // binom.test(1, 8)$p.value = 0.0703125
    expect(signTest([1, -1, -1, -1, -1, -1, -1, -1]).p).toBeCloseTo(0.0703125, 12);
    expect(signTest([1, -1, 1, -1]).p).toBe(1);
  });

  it('drops ties, and makes no test from fewer than 3 pairs or when every pair ties', () => {
    expect(signTest([-1, -1, 0, 0])).toMatchObject({ pairs: 4, up: 0, down: 2, ties: 2, p: 0.5 });
    expect(Number.isNaN(signTest([-1, -1]).p)).toBe(true);
    expect(Number.isNaN(signTest([0, 0, 0, 0, 0]).p)).toBe(true);
  });

  it('can never be small with 3 pairs (2 / 2^3 = 0.25 at best)', () => {
    expect(signTest([-1, -1, -1]).p).toBe(0.25);
  });
});
