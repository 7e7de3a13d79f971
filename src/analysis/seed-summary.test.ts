import { describe, expect, it } from 'vitest';
import { Rng } from '../stats/rng.js';
import { curvesSummaryColumns, summarizeCurves, summarizeRuns, summaryColumns } from './seed-summary.js';

const rngFor = (cell: string, metric: string) => new Rng(0, 'bootstrap', cell, metric);

// Two cells; cell bn=off has 3 ok seeds, bn=before has 5 ok, 1 diverged, and one run that missed the target.
const RUNS = [
  ...[0.8, 0.9, 1.0].map((acc, seed) => ({ run_id: `o${seed}`, seed: String(seed), bn: 'off', status: 'ok', final_test_acc: String(acc), 'steps_to_test_acc_0.8': String(100 * (seed + 1)) })),
  ...[0.5, 0.6, 0.7, 0.8, 0.9].map((acc, seed) => ({ run_id: `b${seed}`, seed: String(seed), bn: 'before', status: 'ok', final_test_acc: String(acc), 'steps_to_test_acc_0.8': seed < 4 ? '50' : '' })),
  { run_id: 'b5', seed: '5', bn: 'before', status: 'diverged', final_test_acc: 'NaN', 'steps_to_test_acc_0.8': '' },
];
const METRICS = ['final_test_acc', 'steps_to_test_acc_0.8'];

describe('summarizeRuns', () => {
  const rows = summarizeRuns(RUNS, ['bn'], METRICS, rngFor);

  it('has the documented columns', () => {
    expect(summaryColumns(['bn'], METRICS)).toEqual([
      'bn', 'runs', 'diverged', 'failed',
      'final_test_acc_n', 'final_test_acc_mean', 'final_test_acc_std', 'final_test_acc_se',
      'final_test_acc_ci_low', 'final_test_acc_ci_high', 'final_test_acc_boot_low', 'final_test_acc_boot_high',
      'steps_to_test_acc_0.8_n', 'steps_to_test_acc_0.8_mean', 'steps_to_test_acc_0.8_std', 'steps_to_test_acc_0.8_se',
      'steps_to_test_acc_0.8_ci_low', 'steps_to_test_acc_0.8_ci_high', 'steps_to_test_acc_0.8_boot_low',
      'steps_to_test_acc_0.8_boot_high', 'steps_to_test_acc_0.8_censored', 'steps_to_test_acc_0.8_median',
    ]);
    for (const row of rows) expect(Object.keys(row).sort()).toEqual(summaryColumns(['bn'], METRICS).sort());
  });

  it('gives n, mean, std, se and the range-respecting t CI over ok runs (bootstrap only from n = 5)', () => {
    const off = rows[0]!;
    // By hand: mean 0.9, std = sqrt((0.01 + 0 + 0.01) / 2) = 0.1, se = 0.1/sqrt(3);
    // CI on the logit scale (delta method): logit(0.9) +- t_{0.975,2} * se / (0.9 * 0.1), mapped back, with
    // t = 4.302652729749462 (scipy.stats.t.ppf(0.975, 2)); the plain t interval would end above 1.
    expect(off).toMatchObject({ bn: 'off', runs: 3, diverged: 0, failed: 0, final_test_acc_n: 3 });
    expect(off.final_test_acc_mean as number).toBeCloseTo(0.9, 12);
    expect(off.final_test_acc_std as number).toBeCloseTo(0.1, 12);
    expect(off.final_test_acc_se as number).toBeCloseTo(0.1 / Math.sqrt(3), 12);
    const half = (4.302652729749462 * 0.1) / Math.sqrt(3) / (0.9 * 0.1);
    const expit = (u: number) => 1 / (1 + Math.exp(-u));
    expect(off.final_test_acc_ci_low as number).toBeCloseTo(expit(Math.log(9) - half), 10);
    expect(off.final_test_acc_ci_high as number).toBeCloseTo(expit(Math.log(9) + half), 10);
    expect(off.final_test_acc_ci_high as number).toBeLessThan(1);
    expect(off.final_test_acc_boot_low).toBe('');
    expect(off['steps_to_test_acc_0.8_mean']).toBe(200);
    expect(off['steps_to_test_acc_0.8_censored']).toBe(0);
    expect(off['steps_to_test_acc_0.8_median']).toBe(200);
    expect(off['steps_to_test_acc_0.8_ci_low'] as number).toBeGreaterThan(0);
  });

  it('counts diverged runs, leaves them out of the statistics, and counts censored targets', () => {
    const before = rows[1]!;
    expect(before).toMatchObject({ bn: 'before', runs: 6, diverged: 1, final_test_acc_n: 5 });
    expect(before.final_test_acc_mean as number).toBeCloseTo(0.7, 12);
    expect(before.final_test_acc_boot_low as number).toBeGreaterThan(0.5);
    expect(before.final_test_acc_boot_high as number).toBeLessThan(0.9);
    expect(before).toMatchObject({ 'steps_to_test_acc_0.8_n': 4, 'steps_to_test_acc_0.8_mean': 50, 'steps_to_test_acc_0.8_std': 0, 'steps_to_test_acc_0.8_censored': 1 });
    // four runs reached at the first evaluation (step 50 of evalEvery 50): the tie is (0, 50], not [50, 50]
    expect(before['steps_to_test_acc_0.8_ci_low']).toBe(0);
    expect(before['steps_to_test_acc_0.8_ci_high']).toBe(50);
    // Kaplan-Meier with 1 of 5 censored: S(50) = 1/5 <= 1/2
    expect(before['steps_to_test_acc_0.8_median']).toBe(50);
  });

  it('is reproducible (seeded bootstrap)', () => {
    expect(summarizeRuns(RUNS, ['bn'], METRICS, rngFor)).toEqual(rows);
  });
});

describe('summarizeCurves', () => {
  it('gives mean and CI per cell and step over ok runs, steps ascending', () => {
    const curves = [
      { run_id: 'o0', step: '10', test_acc: '0.6' },
      { run_id: 'o0', step: '0', test_acc: '0.5' },
      { run_id: 'o1', step: '0', test_acc: '0.5' },
      { run_id: 'o1', step: '10', test_acc: '0.8' },
      { run_id: 'b5', step: '0', test_acc: '0.1' }, // diverged: left out
      { run_id: 'b0', step: '0', test_acc: 'NaN' },
    ];
    const rows = summarizeCurves(RUNS, curves, ['bn'], ['test_acc']);
    expect(curvesSummaryColumns(['bn'], ['test_acc'])).toEqual(['bn', 'step', 'test_acc_n', 'test_acc_mean', 'test_acc_std', 'test_acc_ci_low', 'test_acc_ci_high']);
    expect(rows.map((r) => [r.bn, r.step, r.test_acc_n, r.test_acc_mean])).toEqual([
      ['off', 0, 2, 0.5],
      ['off', 10, 2, 0.7],
      ['before', 0, 0, ''],
    ]);
    expect(rows[0]).toMatchObject({ test_acc_std: 0, test_acc_ci_low: 0.5, test_acc_ci_high: 0.5 });
    // std of {0.6, 0.8} = sqrt(0.02), se 0.1; the plain CI 0.7 +- t_{0.975,1} * 0.1 (t = 12.706204736174694,
    // scipy) would reach 1.97; on the logit scale it stays in [0, 1]
    const half = (12.706204736174694 * 0.1) / (0.7 * 0.3);
    expect(rows[1]!.test_acc_ci_high as number).toBeCloseTo(1 / (1 + Math.exp(-(Math.log(0.7 / 0.3) + half))), 10);
    expect(rows[1]!.test_acc_ci_high as number).toBeLessThanOrEqual(1);
  });
});
