import chalk from 'chalk';
import { stepsToTarget } from '../record/convergence.js';
import type { TargetConfig } from '../config/schema.js';
import type { Plan, RunResult } from '../types.js';
import { shortValue } from './short-value.js';
import { sparkline } from './sparkline.js';

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
  console.log(['', ...lines, '', ...lossSparklines(plan, results), `results: ${outDir} (manifest.json, runs.csv, curves.csv)`].join('\n'));
}

/**
 * One sparkline per config cell of its train loss over the evaluations (mean over the cell's ok runs),
 * with the first and last mean; diverged and failed runs are counted, not drawn. Followed by a blank line.
 */
export function lossSparklines(plan: Plan, results: readonly RunResult[]): string[] {
  const cells = new Map<string, RunResult[]>();
  for (const r of results) {
    const key = JSON.stringify(plan.axes.map((a) => r.spec.params[a]));
    cells.set(key, [...(cells.get(key) ?? []), r]);
  }
  const rows = [...cells.values()].map((runs) => {
    const label = plan.axes.map((a) => `${a.slice(a.lastIndexOf('.') + 1)}=${shortValue(runs[0]!.spec.params[a], 24)}`).join(' ') || 'all runs';
    const ok = runs.filter((r) => r.status === 'ok');
    const bySteps = new Map<number, number[]>();
    for (const r of ok) for (const e of r.curve) bySteps.set(e.step, [...(bySteps.get(e.step) ?? []), e.metrics.train?.loss ?? Number.NaN]);
    const means = [...bySteps.entries()].sort((a, b) => a[0] - b[0]).map(([, xs]) => xs.reduce((s, x) => s + x, 0) / xs.length);
    const lost = runs.length - ok.length;
    const note = lost > 0 ? chalk.yellow(`  (${lost} of ${runs.length} diverged or failed)`) : '';
    const line = means.length > 0 ? `${sparkline(means)}  ${fmt(means[0], 3)} -> ${fmt(means.at(-1), 4)}` : chalk.dim('no ok run');
    return [`  ${label}`, line + note];
  });
  if (rows.length === 0) return [];
  return [chalk.bold('train loss per cell (mean over ok runs, first -> last evaluation):'), ...pad(rows).map((l) => l.trimEnd()), ''];
}
