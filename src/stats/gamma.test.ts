import { describe, expect, it } from 'vitest';
import type { Plan, RunResult, RunSpec } from '../types.js';
import { smallGammaFraction } from './gamma.js';
import { runRow, runsColumns } from '../record/run-rows.js';

const spec = (batchNorm: string): RunSpec =>
  ({ id: 'r1', index: 0, seed: 1, params: {}, data: {}, model: { batchNorm }, train: {} }) as unknown as RunSpec;
const plan = (batchNorm: string): Plan => ({ config: {}, axes: [], seeds: [1], runs: [spec(batchNorm)] }) as unknown as Plan;

describe('small-γ fraction (Frankle et al.)', () => {
  it('counts |γ| < 0.05·mean|γ|', () => {
    // mean |γ| = (0.01 + 0.02 + 1 + 1.5 + 2.47)/5 = 1, so the limit is 0.05.
    expect(smallGammaFraction([0.01, -0.02, 1, -1.5, 2.47])).toBeCloseTo(2 / 5, 12);
    expect(smallGammaFraction([1, 1, 1])).toBe(0);
    expect(smallGammaFraction([])).toBeNaN();
    expect(smallGammaFraction([NaN, 1])).toBeNaN();
  });

  it('is a runs.csv column (gamma_small_frac) when some run has hidden BN layers', () => {
    const cols = runsColumns(plan('before'), [], []);
    expect(cols.slice(cols.indexOf('auc_train_loss'), cols.indexOf('auc_train_loss') + 2)).toEqual(['auc_train_loss', 'gamma_small_frac']);
    expect(runsColumns(plan('off'), [], [])).not.toContain('gamma_small_frac');
    const result: RunResult = { spec: spec('after'), status: 'ok', steps: 1, wallSeconds: 1, curve: [], gammaSmallFrac: 0.25 };
    expect(runRow(result, plan('after'), [], []).gamma_small_frac).toBe('0.25');
  });
});
