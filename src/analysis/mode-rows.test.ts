import { describe, expect, it } from 'vitest';
import type { Plan, RunResult, RunSpec } from '../types.js';
import { metricColumn } from '../record/columns.js';
import { curveRows, curvesColumns, runRow, runsColumns } from '../record/run-rows.js';

const spec = { id: 'r1', index: 0, seed: 1, params: {}, data: {}, model: { batchNorm: 'before' }, train: {} } as unknown as RunSpec;
const plan = { config: {}, axes: [], seeds: [1], runs: [spec] } as unknown as Plan;
const splits = ['test@population', 'test@batch1-iid'];
const result: RunResult = {
  spec,
  status: 'ok',
  steps: 10,
  wallSeconds: 1,
  curve: [
    { step: 0, epoch: 0, metrics: { train: { loss: 1, acc: 0.5 }, test: { loss: 1, acc: 0.5 } } },
    {
      step: 10,
      epoch: 1,
      metrics: {
        train: { loss: 0.5, acc: 0.75 },
        test: { loss: 0.5, acc: 0.75 },
        'test@population': { loss: 0.625, acc: 0.5 },
        'test@batch1-iid': { loss: 1.5, acc: 0.25 },
      },
    },
  ],
};

describe('inference-mode columns', () => {
  it.each([
    ['test', 'acc', 'test_acc'],
    ['shifted', 'loss', 'shifted_loss'],
    ['test@population', 'acc', 'test_acc@population'],
    ['shifted@batch8-sorted', 'loss', 'shifted_loss@batch8-sorted'],
  ] as const)('%s %s -> %s', (split, kind, column) => {
    expect(metricColumn(split, kind)).toBe(column);
  });

  it('runs.csv: final_<split>_<metric>@<mode> after the plain columns', () => {
    const cols = runsColumns(plan, [], splits);
    expect(cols.slice(cols.indexOf('final_test_acc') + 1, cols.indexOf('generalization_gap'))).toEqual([
      'final_test_loss@population',
      'final_test_acc@population',
      'final_test_loss@batch1-iid',
      'final_test_acc@batch1-iid',
    ]);
    const row = runRow(result, plan, [], splits);
    expect(row['final_test_acc@population']).toBe('0.5');
    expect(row['final_test_loss@batch1-iid']).toBe('1.5');
  });

  it('curves.csv: mode cells are empty where the mode was not evaluated', () => {
    expect(curvesColumns(splits).slice(-4)).toEqual(['test_loss@population', 'test_acc@population', 'test_loss@batch1-iid', 'test_acc@batch1-iid']);
    const rows = curveRows(result, splits);
    expect(rows[0]!['test_acc@population']).toBe('');
    expect(rows[1]!['test_acc@batch1-iid']).toBe('0.25');
  });
});
