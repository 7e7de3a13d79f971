import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { curvesSummaryColumns, summaryColumns } from '../analysis/seed-summary.js';
import { parseExperiment } from '../config/load.js';
import { expandPlan } from '../plan/expand.js';
import {
  betterDirection,
  columnInfo,
  columnLabel,
  columnRange,
  curveMetricColumns,
  isStepsToColumn,
  runMetricColumns,
  targetLabel,
  targetOf,
} from './columns.js';
import { LANDSCAPE_COLUMNS, layersColumns } from './probe-columns.js';
import { curvesColumns, extraSplitsOf, runsColumns } from './run-rows.js';
import { SHIFT_FEATURES_COLUMNS, SHIFTS_COLUMNS } from './shift-columns.js';

describe('column registry', () => {
  it.each([
    ['final_test_acc', 'final test accuracy'],
    ['test_acc', 'test accuracy'],
    ['final_n_affine_loss', 'final n_affine loss'],
    ['final_test_acc@population', 'final test accuracy (population)'],
    ['steps_to_test_acc_0.85', 'steps to 85% test accuracy'],
    ['steps_to_train_loss_0.5', 'steps to train loss 0.5'],
    ['loss_band', 'loss variation along the gradient'],
    ['w1_prev', 'W1 distance to the previous probe'],
  ])('labels %s', (column, label) => {
    expect(columnLabel(column)).toBe(label);
  });

  it('knows kind, range and direction, @mode columns included', () => {
    expect(columnInfo('final_test_acc@population')).toMatchObject({ kind: 'accuracy', range: [0, 1], better: 'higher', mode: 'population', split: 'test' });
    expect(betterDirection('final_test_acc@population')).toBe('higher');
    expect(betterDirection('final_test_acc@batch16-iid')).toBe('higher');
    expect(betterDirection('final_shifted_loss@adabn')).toBe('lower');
    expect(betterDirection('steps_to_test_acc_0.85')).toBe('lower');
    expect(betterDirection('generalization_gap')).toBe('lower');
    expect(betterDirection('ics_rel_mean')).toBe('none');
    expect(columnRange('generalization_gap')).toEqual([-1, 1]);
    expect(columnRange('auc_train_loss')).toEqual([0, Infinity]);
    expect(columnRange('ics_cos')).toEqual([-1, 1]);
    expect(columnInfo('not_a_column')).toBeUndefined();
    expect(columnInfo('model.batchNorm')?.kind).toBe('param');
  });

  it('parses targets and summary columns', () => {
    expect(targetOf('steps_to_test_acc_0.85')).toEqual({ column: 'steps_to_test_acc_0.85', metric: 'test_acc', value: 0.85 });
    expect(targetOf('steps_to_target')).toBeUndefined();
    expect(isStepsToColumn('steps_to_target')).toBe(false);
    expect(isStepsToColumn('steps_to_test_acc@population_0.9')).toBe(true);
    expect(targetLabel({ metric: 'test_acc', value: 0.9 })).toBe('90% test accuracy');
    const ci = columnInfo('final_test_acc_ci_high');
    expect(ci).toMatchObject({ kind: 'accuracy', range: [0, 1], stat: { name: 'ci_high' } });
    expect(ci?.stat?.of.name).toBe('final_test_acc');
    expect(columnInfo('steps_to_test_acc_0.85_censored')).toMatchObject({ kind: 'count', better: 'none' });
    expect(columnInfo('final_test_loss_std')?.range).toEqual([0, Infinity]);
  });

  it('selects run and curve metrics from headers', () => {
    const runs = ['run_id', 'seed', 'model.depth', 'status', 'steps', 'final_train_loss', 'final_test_acc@population', 'generalization_gap', 'steps_to_target', 'steps_to_test_acc_0.9', 'auc_train_loss', 'ics_rel_mean', 'wall_s'];
    expect(runMetricColumns(runs)).toEqual(['final_train_loss', 'final_test_acc@population', 'generalization_gap', 'steps_to_test_acc_0.9', 'auc_train_loss']);
    expect(curveMetricColumns(['run_id', 'step', 'epoch', 'train_loss', 'test_acc', 'shifted_acc', 'test_acc@population'])).toEqual(['train_loss', 'test_acc', 'shifted_acc']);
  });
});

describe('every column a writer emits is in the registry', () => {
  const dir = path.resolve('experiments');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  it.each(files)('%s', (file) => {
    const config = parseExperiment(readFileSync(path.join(dir, file), 'utf8'), file);
    const plan = expandPlan(config);
    const extra = extraSplitsOf(plan);
    const runs = runsColumns(plan, plan.targets, extra);
    const curves = curvesColumns(extra);
    const written = [
      ...runs,
      ...curves,
      ...(config.probes ? [...layersColumns(config.probes.units), ...LANDSCAPE_COLUMNS] : []),
      ...SHIFTS_COLUMNS,
      ...SHIFT_FEATURES_COLUMNS,
      ...summaryColumns(plan.axes, runMetricColumns(runs)),
      ...curvesSummaryColumns(plan.axes, curveMetricColumns(curves)),
    ];
    expect(written.filter((c) => columnInfo(c) === undefined)).toEqual([]);
    // Metrics are numeric columns with a range; an accuracy's interval columns stay in [0, 1].
    for (const c of written.filter((c) => c.endsWith('_ci_low') || c.endsWith('_ci_high'))) {
      const info = columnInfo(c)!;
      expect(info.range).toEqual(info.stat!.of.range);
    }
  });
});
