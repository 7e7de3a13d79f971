import { describe, expect, it } from 'vitest';
import { betterDirection, curveMetricColumns, runMetricColumns } from '../record/columns.js';
import { cellLabel, finiteValues, groupCells, num } from './cells.js';

const RUNS_HEADER = [
  'run_id', 'seed', 'model.batchNorm', 'model.depth', 'status', 'steps',
  'final_train_loss', 'final_test_loss', 'final_train_acc', 'final_test_acc',
  'generalization_gap', 'steps_to_target', 'steps_to_test_acc_0.85', 'auc_train_loss', 'wall_s', 'error',
];

describe('columns of the CSV contracts', () => {
  it('lists run metrics without the steps_to_target alias, wall time or ids', () => {
    expect(runMetricColumns(RUNS_HEADER)).toEqual([
      'final_train_loss', 'final_test_loss', 'final_train_acc', 'final_test_acc',
      'generalization_gap', 'steps_to_test_acc_0.85', 'auc_train_loss',
    ]);
  });
  it('lists curve metrics', () => {
    expect(curveMetricColumns(['run_id', 'step', 'epoch', 'train_loss', 'test_acc', 'shifted_acc'])).toEqual([
      'train_loss', 'test_acc', 'shifted_acc',
    ]);
  });
  it.each([
    ['final_test_acc', 'higher'],
    ['test_acc', 'higher'],
    ['train_loss', 'lower'],
    ['steps_to_test_acc_0.85', 'lower'],
    ['generalization_gap', 'lower'],
    ['auc_train_loss', 'lower'],
  ])('%s: %s is better', (metric, want) => {
    expect(betterDirection(metric)).toBe(want);
  });
});

describe('groupCells', () => {
  it('groups by the swept values in order of appearance', () => {
    const runs = [
      { seed: '0', a: 'x', b: '1' },
      { seed: '1', a: 'x', b: '1' },
      { seed: '0', a: 'y', b: '1' },
      { seed: '2', a: 'x', b: '1' },
    ];
    const cells = groupCells(runs, ['a', 'b']);
    expect(cells.map((c) => [c.params, c.runs.map((r) => r.seed)])).toEqual([
      [{ a: 'x', b: '1' }, ['0', '1', '2']],
      [{ a: 'y', b: '1' }, ['0']],
    ]);
    expect(cellLabel(cells[0]!.params)).toBe('a=x b=1');
    expect(groupCells(runs, []).map((c) => cellLabel(c.params))).toEqual(['all runs']);
  });
});

describe('num / finiteValues', () => {
  it('reads empty cells as NaN, not 0', () => {
    expect(num('')).toBeNaN();
    expect(num(undefined)).toBeNaN();
    expect(num('0')).toBe(0);
    expect(num('NaN')).toBeNaN();
    expect(finiteValues([{ v: '1' }, { v: '' }, { v: 'NaN' }, { v: 'Infinity' }, { v: '2.5' }], 'v')).toEqual([1, 2.5]);
  });
});
