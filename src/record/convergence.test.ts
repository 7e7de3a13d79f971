import { describe, expect, it } from 'vitest';
import type { EvalRecord } from '../types.js';
import { parseMetric } from './columns.js';
import { aucTrainLoss, isDiverged, stepsToTarget } from './convergence.js';

/** A curve evaluated every 10 steps with the given test accuracies and train losses. */
function curve(testAcc: number[], trainLoss: number[] = testAcc.map(() => 1)): EvalRecord[] {
  return testAcc.map((acc, i) => ({
    step: (i + 1) * 10,
    epoch: 0,
    metrics: { train: { loss: trainLoss[i]!, acc: 0.5 }, test: { loss: 1 - acc, acc } },
  }));
}

describe('stepsToTarget', () => {
  const cases = [
    { name: 'reached and confirmed', curve: curve([0.5, 0.8, 0.91, 0.92]), value: 0.9, want: 30 },
    { name: 'exactly equal counts as reached', curve: curve([0.9, 0.9, 0.5]), value: 0.9, want: 10 },
    { name: 'reached once then dropped -> later confirmed step', curve: curve([0.95, 0.7, 0.91, 0.93, 0.2]), value: 0.9, want: 30 },
    { name: 'never reached -> null (censored)', curve: curve([0.5, 0.6, 0.7]), value: 0.9, want: null },
    // A target first met at the last evaluation has no confirming evaluation: not reached.
    { name: 'only at the last evaluation -> null', curve: curve([0.5, 0.6, 0.95]), value: 0.9, want: null },
    { name: 'single evaluation -> null', curve: curve([0.99]), value: 0.9, want: null },
    { name: 'empty curve -> null', curve: [], value: 0.9, want: null },
    { name: 'NaN never meets a target', curve: curve([Number.NaN, Number.NaN]), value: 0, want: null },
  ];
  it.each(cases)('$name', (c) => {
    expect(stepsToTarget(c.curve, { metric: 'test_acc', value: c.value })).toBe(c.want);
  });

  it('loss targets hold when the value is <= target', () => {
    const c = curve([0, 0, 0, 0, 0], [2, 0.4, 0.6, 0.3, 0.3]);
    expect(stepsToTarget(c, { metric: 'train_loss', value: 0.5 })).toBe(40);
    expect(stepsToTarget(c, { metric: 'train_loss', value: 0.3 })).toBe(40);
    expect(stepsToTarget(c, { metric: 'train_loss', value: 0.29 })).toBe(null);
  });

  it('reads extra splits by metric name (shifted_acc)', () => {
    const c = curve([0.5, 0.5, 0.5]).map((r, i) => ({ ...r, metrics: { ...r.metrics, shifted: { loss: 1, acc: i / 2 } } }));
    const target = { metric: 'shifted_acc', value: 0.5 } as unknown as Parameters<typeof stepsToTarget>[1];
    expect(stepsToTarget(c, target)).toBe(20);
  });
});

describe('parseMetric', () => {
  it('splits at the last underscore and rejects unknown kinds', () => {
    expect(parseMetric('my_split_loss')).toEqual({ split: 'my_split', kind: 'loss' });
    expect(() => parseMetric('test_f1')).toThrow(/unsupported metric/);
    expect(() => parseMetric('acc')).toThrow(/unsupported metric/);
  });
});

describe('aucTrainLoss', () => {
  it('is the time-averaged train loss (trapezoids / step span)', () => {
    // Steps 10, 20, 40 with losses 3, 1, 1: area = 10*(3+1)/2 + 20*(1+1)/2 = 20 + 20 = 40; span 30.
    const c: EvalRecord[] = [
      { step: 10, epoch: 0, metrics: { train: { loss: 3, acc: 0 } } },
      { step: 20, epoch: 0, metrics: { train: { loss: 1, acc: 0 } } },
      { step: 40, epoch: 1, metrics: { train: { loss: 1, acc: 0 } } },
    ];
    expect(aucTrainLoss(c)).toBeCloseTo(40 / 30, 12);
  });
  it('equals a constant loss', () => {
    expect(aucTrainLoss(curve([0, 0, 0, 0], [0.7, 0.7, 0.7, 0.7]))).toBeCloseTo(0.7, 12);
  });
  it('is NaN with fewer than 2 points or a non-finite loss', () => {
    expect(aucTrainLoss([])).toBeNaN();
    expect(aucTrainLoss(curve([0.5]))).toBeNaN();
    expect(aucTrainLoss(curve([0, 0], [1, Number.NaN]))).toBeNaN();
  });
});

describe('isDiverged', () => {
  const cases = [
    { name: 'finite and small', loss: 2, first: 0.7, want: false },
    { name: 'NaN', loss: Number.NaN, first: 0.7, want: true },
    { name: 'Infinity', loss: Number.POSITIVE_INFINITY, first: 0.7, want: true },
    { name: 'above factor * 1 when first < 1', loss: 20.5, first: 0.7, want: true },
    { name: 'at the bound is not diverged', loss: 20, first: 0.7, want: false },
    { name: 'bound scales with a first loss > 1', loss: 50, first: 3, want: false },
    { name: 'above factor * first loss', loss: 61, first: 3, want: true },
  ];
  it.each(cases)('$name', (c) => {
    expect(isDiverged(c.loss, c.first, 20)).toBe(c.want);
  });
});
