import { describe, expect, it } from 'vitest';
import type { TargetConfig } from '../config/schema.js';
import type { Plan, RunResult, RunSpec } from '../types.js';
import { targetColumn } from './columns.js';
import { curveRows, curvesColumns, runRow, runsColumns } from './run-rows.js';

const spec = {
  id: 'a1b2c3',
  index: 0,
  seed: 7,
  params: { 'model.batchNorm': 'before', 'train.learningRate': 0.1, 'data.shift': { kind: 'mean', amount: 1 }, 'model.flag': true },
  data: {},
  model: {},
  train: {},
} as unknown as RunSpec;

const plan = {
  config: {},
  axes: ['model.batchNorm', 'train.learningRate', 'data.shift', 'model.flag', 'model.absent'],
  seeds: [7],
  runs: [spec],
} as unknown as Plan;

const targets: TargetConfig[] = [
  { metric: 'test_acc', value: 0.75 },
  { metric: 'train_loss', value: 0.5 },
];

const result: RunResult = {
  spec,
  status: 'ok',
  steps: 30,
  wallSeconds: 1.25,
  curve: [
    { step: 10, epoch: 0, metrics: { train: { loss: 1, acc: 0.5 }, test: { loss: 1.5, acc: 0.5 }, shifted: { loss: 2, acc: 0.25 } } },
    { step: 20, epoch: 0, metrics: { train: { loss: 0.5, acc: 0.75 }, test: { loss: 0.75, acc: 0.75 }, shifted: { loss: 1, acc: 0.5 } } },
    { step: 30, epoch: 1, metrics: { train: { loss: 0.25, acc: 1 }, test: { loss: Number.NaN, acc: 0.75 } } },
  ],
};

describe('runsColumns', () => {
  it('lists the runs.csv contract in order', () => {
    expect(runsColumns(plan, targets, ['shifted'])).toEqual([
      'run_id', 'seed',
      'model.batchNorm', 'train.learningRate', 'data.shift', 'model.flag', 'model.absent',
      'status', 'steps',
      'final_train_loss', 'final_test_loss', 'final_train_acc', 'final_test_acc',
      'final_shifted_loss', 'final_shifted_acc',
      'generalization_gap', 'steps_to_target', 'steps_to_test_acc_0.75', 'steps_to_train_loss_0.5',
      'auc_train_loss', 'wall_s', 'error',
    ]);
  });
  it('keeps steps_to_target without targets, and one column per distinct target', () => {
    const noSweep = { ...plan, axes: [] };
    expect(runsColumns(noSweep, [], [])).toEqual([
      'run_id', 'seed', 'status', 'steps',
      'final_train_loss', 'final_test_loss', 'final_train_acc', 'final_test_acc',
      'generalization_gap', 'steps_to_target', 'auc_train_loss', 'wall_s', 'error',
    ]);
    expect(runsColumns(noSweep, [targets[0]!, targets[0]!], []).filter((c) => c.startsWith('steps_to_'))).toEqual([
      'steps_to_target', 'steps_to_test_acc_0.75',
    ]);
  });
  it('names target columns by metric and value', () => {
    expect(targetColumn({ metric: 'test_loss', value: 1e-7 })).toBe('steps_to_test_loss_1e-7');
  });
});

describe('runRow', () => {
  it('flattens a run into exact strings', () => {
    const row = runRow(result, plan, targets, ['shifted']);
    expect(row).toEqual({
      run_id: 'a1b2c3',
      seed: '7',
      'model.batchNorm': 'before',
      'train.learningRate': '0.1',
      'data.shift': '{"kind":"mean","amount":1}',
      'model.flag': 'true',
      'model.absent': '',
      status: 'ok',
      steps: '30',
      final_train_loss: '0.25',
      final_test_loss: 'NaN',
      final_train_acc: '1',
      final_test_acc: '0.75',
      final_shifted_loss: '', // not evaluated at the last step
      final_shifted_acc: '',
      generalization_gap: '0.25',
      steps_to_target: '20',
      'steps_to_test_acc_0.75': '20',
      'steps_to_train_loss_0.5': '20',
      // (1+0.5)/2*10 + (0.5+0.25)/2*10 = 7.5 + 3.75 = 11.25, over a span of 20 steps
      auc_train_loss: '0.5625',
      wall_s: '1.25',
      error: '',
    });
    expect(Object.keys(row).sort()).toEqual(runsColumns(plan, targets, ['shifted']).sort());
  });

  it('leaves censored and missing values empty, and keeps errors', () => {
    const failed: RunResult = { ...result, status: 'failed', steps: 0, curve: [], error: 'boom, "bad"' };
    const row = runRow(failed, plan, [], []);
    expect(row).toMatchObject({
      status: 'failed',
      steps: '0',
      final_train_loss: '',
      final_test_acc: '',
      generalization_gap: '',
      steps_to_target: '',
      auc_train_loss: 'NaN',
      error: 'boom, "bad"',
    });
    const never = runRow(result, plan, [{ metric: 'test_acc', value: 0.99 }], []);
    expect(never.steps_to_target).toBe('');
    expect(never['steps_to_test_acc_0.99']).toBe('');
  });
});

describe('curveRows', () => {
  it('gives one row per evaluation in the curves.csv contract', () => {
    expect(curvesColumns(['shifted'])).toEqual([
      'run_id', 'step', 'epoch', 'train_loss', 'test_loss', 'train_acc', 'test_acc', 'shifted_loss', 'shifted_acc',
    ]);
    expect(curveRows(result, ['shifted'])).toEqual([
      { run_id: 'a1b2c3', step: '10', epoch: '0', train_loss: '1', test_loss: '1.5', train_acc: '0.5', test_acc: '0.5', shifted_loss: '2', shifted_acc: '0.25' },
      { run_id: 'a1b2c3', step: '20', epoch: '0', train_loss: '0.5', test_loss: '0.75', train_acc: '0.75', test_acc: '0.75', shifted_loss: '1', shifted_acc: '0.5' },
      { run_id: 'a1b2c3', step: '30', epoch: '1', train_loss: '0.25', test_loss: 'NaN', train_acc: '1', test_acc: '0.75', shifted_loss: '', shifted_acc: '' },
    ]);
  });
});
