import chalk from 'chalk';
import type { EvalRecord, Plan, RunResult, RunSpec } from '../types.js';
import { shortValue } from './short-value.js';

/** Formats seconds as m:ss or h:mm:ss. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** The swept values of a run as `path=value` pairs plus its seed. */
export function describeRun(spec: RunSpec): string {
  const parts = Object.entries(spec.params).map(([k, v]) => `${k}=${shortValue(v)}`);
  return [...parts, `seed=${spec.seed}`].join(' ');
}

/**
 * A progress line per run: run k/N, swept values, current step and loss, ETA for the sweep. On a TTY the
 * line is redrawn in place; otherwise one line is printed when each run ends; nothing with quiet.
 */
export class Progress {
  private readonly started = performance.now();
  private readonly totalSteps: number;
  private doneSteps = 0;
  private readonly tty: boolean;

  constructor(
    private readonly plan: Plan,
    private readonly stepsOf: number[],
    private readonly opts: { quiet: boolean; backend: string },
  ) {
    this.totalSteps = stepsOf.reduce((a, b) => a + b, 0);
    this.tty = Boolean(process.stdout.isTTY) && !opts.quiet;
    if (!opts.quiet) {
      console.log(
        `${chalk.bold(plan.config.name)}: ${plan.runs.length} runs (${plan.axes.length} swept axes x ${plan.seeds.length} seeds), backend ${opts.backend}`,
      );
    }
  }

  private eta(stepsNow: number): string {
    const elapsed = (performance.now() - this.started) / 1000;
    const done = this.doneSteps + stepsNow;
    return done > 0 ? formatDuration((elapsed / done) * (this.totalSteps - done)) : '?';
  }

  private head(spec: RunSpec): string {
    const n = this.plan.runs.length;
    return `[${String(spec.index + 1).padStart(String(n).length)}/${n}] ${chalk.dim(spec.id)} ${describeRun(spec)}`;
  }

  /** A run begins. */
  start(spec: RunSpec): void {
    if (this.tty) process.stdout.write(`\r\x1b[2K${this.head(spec)} starting`);
  }

  /** An evaluation point of the current run. */
  update(spec: RunSpec, rec: EvalRecord, total: number): void {
    if (!this.tty) return;
    const loss = rec.metrics.train?.loss ?? NaN;
    const acc = rec.metrics.test?.acc ?? NaN;
    process.stdout.write(
      `\r\x1b[2K${this.head(spec)} step ${rec.step}/${total} loss ${loss.toFixed(4)} test_acc ${acc.toFixed(3)} ETA ${this.eta(rec.step)}`,
    );
  }

  /** A run ended (any status). */
  finish(spec: RunSpec, result: RunResult): void {
    this.doneSteps += this.stepsOf[spec.index] ?? 0;
    if (this.opts.quiet) return;
    const last = result.curve.at(-1);
    const status =
      result.status === 'ok' ? chalk.green('ok') : result.status === 'diverged' ? chalk.yellow('diverged') : chalk.red('failed');
    const metrics = last
      ? `loss ${(last.metrics.train?.loss ?? NaN).toFixed(4)} test_acc ${(last.metrics.test?.acc ?? NaN).toFixed(3)}`
      : (result.error ?? '');
    const line = `${this.head(spec)} ${status} step ${result.steps} ${metrics} (${result.wallSeconds.toFixed(1)}s) ETA ${this.eta(0)}`;
    if (this.tty) process.stdout.write(`\r\x1b[2K${line}\n`);
    else console.log(line);
  }
}
