import { PROBE_SUMMARY_COLUMNS } from './probe-columns.js';
import type { TargetConfig } from '../config/schema.js';
import type { EvalRecord, Plan, RunResult } from '../types.js';
import { aucTrainLoss, stepsToTarget } from './convergence.js';
import { finalColumn, metricColumn, targetColumn } from './columns.js';
import { modeSplits } from '../config/mode-names.js';
import { extraSplitNames } from './shift-columns.js';

// The column contracts of runs.csv and curves.csv. Changing an order or a name is a breaking
// change for every reader of old results: note it in the CHANGELOG.

/** Every status a run can end with (runs.csv `status`). */
export const RUN_STATUSES = ['ok', 'diverged', 'failed'] as const;

/** A flattened CSV row: column -> cell text (numbers already written with `String(x)`). */
export type Row = Record<string, string | number>;

/** The splits every run evaluates; others (e.g. `shifted`) are passed as `extraSplits`. */
const BASE_SPLITS = ['train', 'test'] as const;

/** Names of the extra evaluation sets (one per shift name, e.g. `shifted`), then `<set>@<mode>` per inference mode. */
export function extraSplitsOf(plan: Plan): string[] {
  const sets = extraSplitNames(plan.runs.map((r) => r.resolved.shifts));
  return [...sets, ...modeSplits(plan.config.eval, ['train', 'test', ...sets])];
}

/** Whether runs.csv has `gamma_small_frac`: some run of the plan has hidden BN layers. */
function hasGammaColumn(plan: Plan): boolean {
  return plan.runs.some((r) => r.model.batchNorm === 'before' || r.model.batchNorm === 'after');
}

/**
 * Column order of runs.csv (swept paths by name, e.g. `model.batchNorm`, in plan order). Extra splits
 * named `<split>@<mode>` are inference modes: `final_<split>_<metric>@<mode>` (see columns.ts).
 */
export function runsColumns(plan: Plan, targets: readonly TargetConfig[], extraSplits: readonly string[]): string[] {
  const cols = [
    'run_id',
    'seed',
    ...plan.axes,
    'status',
    'steps',
    'final_train_loss',
    'final_test_loss',
    'final_train_acc',
    'final_test_acc',
    ...extraSplits.flatMap((s) => [finalColumn(s, 'loss'), finalColumn(s, 'acc')]),
    'generalization_gap',
    'steps_to_target',
    ...targets.map(targetColumn),
    'auc_train_loss',
    ...(hasGammaColumn(plan) ? ['gamma_small_frac'] : []),
    ...(plan.config.probes ? PROBE_SUMMARY_COLUMNS : []),
    'wall_s',
    'error',
  ];
  return [...new Set(cols)]; // a target listed twice gives one column
}

/** Column order of curves.csv (one row per run and evaluation). */
export function curvesColumns(extraSplits: readonly string[]): string[] {
  return [
    'run_id',
    'step',
    'epoch',
    'train_loss',
    'test_loss',
    'train_acc',
    'test_acc',
    ...extraSplits.flatMap((s) => [metricColumn(s, 'loss'), metricColumn(s, 'acc')]),
  ];
}

/** One cell: '' for missing/null, `String(x)` for numbers (NaN/Infinity stay `Number()`-parseable), compact JSON for objects. */
export function cell(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

/** The runs.csv row of one finished run; final metrics come from the last evaluation. */
export function runRow(
  result: RunResult,
  plan: Plan,
  targets: readonly TargetConfig[],
  extraSplits: readonly string[],
): Row {
  const { spec, curve } = result;
  const last: EvalRecord | undefined = curve[curve.length - 1];
  const final = (split: string, kind: 'loss' | 'acc'): number | undefined => last?.metrics[split]?.[kind];
  const row: Row = { run_id: spec.id, seed: cell(spec.seed) };
  for (const path of plan.axes) row[path] = cell(spec.params[path]);
  row.status = result.status;
  row.steps = cell(result.steps);
  for (const split of [...BASE_SPLITS, ...extraSplits]) {
    row[finalColumn(split, 'loss')] = cell(final(split, 'loss'));
    row[finalColumn(split, 'acc')] = cell(final(split, 'acc'));
  }
  const trainAcc = final('train', 'acc');
  const testAcc = final('test', 'acc');
  row.generalization_gap = trainAcc === undefined || testAcc === undefined ? '' : cell(trainAcc - testAcc);
  const first = targets[0];
  row.steps_to_target = first === undefined ? '' : cell(stepsToTarget(curve, first));
  for (const t of targets) row[targetColumn(t)] = cell(stepsToTarget(curve, t));
  row.auc_train_loss = cell(aucTrainLoss(curve));
  if (hasGammaColumn(plan)) row.gamma_small_frac = cell(result.gammaSmallFrac);
  for (const [k, v] of Object.entries(result.probeSummary ?? {})) row[k] = cell(v);
  row.wall_s = cell(result.wallSeconds);
  row.error = cell(result.error);
  return row;
}

/** The curves.csv rows of one run, one per evaluation, in curve order. */
export function curveRows(result: RunResult, extraSplits: readonly string[]): Row[] {
  return result.curve.map((r) => {
    const row: Row = { run_id: result.spec.id, step: cell(r.step), epoch: cell(r.epoch) };
    for (const kind of ['loss', 'acc'] as const) {
      for (const split of [...BASE_SPLITS, ...extraSplits]) row[metricColumn(split, kind)] = cell(r.metrics[split]?.[kind]);
    }
    return row;
  });
}
