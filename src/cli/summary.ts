import chalk from 'chalk';
import { stepsToTarget } from '../analysis/convergence.js';
import type { TargetConfig } from '../config/schema.js';
import type { Plan, RunResult } from '../types.js';
import { shortValue } from './short-value.js';

function fmt(x: number | undefined, digits: number): string {
  return x === undefined || Number.isNaN(x) ? '-' : x.toFixed(digits);
}

function pad(cells: string[][]): string[] {
  // chalk codes do not count towards the width
  // eslint-disable-next-line no-control-regex
  const visible = (s: string): number => s.replace(/\x1b\[[0-9;]*m/g, '').length;
  const widths = cells[0]!.map((_, c) => Math.max(...cells.map((row) => visible(row[c] ?? ''))));
  return cells.map((row) => row.map((cell, c) => cell + ' '.repeat(widths[c]! - visible(cell))).join('  '));
}

/** The final table: one line per run with its swept values, status and headline metrics. */
export function printSummary(plan: Plan, results: RunResult[], targets: TargetConfig[], outDir: string): void {
  const target = targets[0];
  const header = ['run', ...plan.axes, 'seed', 'status', 'steps', 'train_loss', 'test_acc', 'gap'];
  if (target) header.push(`steps_to ${target.metric}${target.metric.endsWith('acc') ? '>=' : '<='}${target.value}`);
  header.push('wall_s');
  const rows = results.map((r) => {
    const last = r.curve.at(-1)?.metrics;
    const status = r.status === 'ok' ? chalk.green(r.status) : r.status === 'diverged' ? chalk.yellow(r.status) : chalk.red(r.status);
    const gap = last?.train && last.test ? last.train.acc - last.test.acc : undefined;
    const row = [
      r.spec.id,
      ...plan.axes.map((a) => shortValue(r.spec.params[a])),
      String(r.spec.seed),
      status,
      String(r.steps),
      fmt(last?.train?.loss, 4),
      fmt(last?.test?.acc, 3),
      fmt(gap, 3),
    ];
    if (target) row.push(String(stepsToTarget(r.curve, target) ?? chalk.dim('never')));
    row.push(r.wallSeconds.toFixed(1));
    return row;
  });
  const lines = pad([header.map((h) => chalk.bold(h)), ...rows]);
  console.log(['', ...lines, '', `results: ${outDir} (manifest.json, runs.csv, curves.csv)`].join('\n'));
}
