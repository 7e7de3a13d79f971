import chalk from 'chalk';
import type { EvalRecord, RunResult, RunSpec } from '../types.js';
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

/** Where progress goes: a stream's write, and its width when it is a terminal. */
export interface ProgressSink {
  write(text: string): void;
  columns?: number;
}

/** How progress is shown. */
export interface ProgressOptions {
  /** Print nothing (the final summary is printed elsewhere). */
  quiet: boolean;
  /** Keep a live status line redrawn in place (stdout is a TTY); otherwise plain lines only. */
  tty: boolean;
  sink?: ProgressSink;
  /** Clock in seconds (injected for tests). */
  now?: () => number;
  /** Minimum seconds between two redraws of the status line. */
  redrawEvery?: number;
}

interface Running {
  spec: RunSpec;
  step: number;
  total: number;
  loss: number;
}

// eslint-disable-next-line no-control-regex
const visibleLength = (s: string): number => s.replace(/\x1b\[[0-9;]*m/g, '').length;

/**
 * Progress of a sweep: runs done/total, running, failed, ETA, and each running run's step and current
 * train loss. A line per finished run; on a TTY also a status line redrawn in place; nothing with quiet.
 * The ETA is (elapsed / steps done) x steps left, steps of running runs included, so it reflects workers.
 */
export class Progress {
  private readonly sink: ProgressSink;
  private readonly now: () => number;
  private readonly started: number;
  private readonly totalSteps: number;
  private readonly running = new Map<number, Running>();
  private readonly ended = new Set<number>();
  private doneSteps = 0;
  private done = 0;
  private failed = 0;
  private diverged = 0;
  private lastDraw = -Infinity;
  private drawn = false;

  constructor(
    private readonly todo: readonly RunSpec[],
    private readonly stepsOf: (spec: RunSpec) => number,
    private readonly opts: ProgressOptions,
  ) {
    this.sink = opts.sink ?? process.stdout;
    this.now = opts.now ?? (() => performance.now() / 1000);
    this.started = this.now();
    this.totalSteps = todo.reduce((a, s) => a + stepsOf(s), 0);
  }

  /** Seconds left, from the throughput so far (NaN before any step). */
  eta(): number {
    const stepsNow = this.doneSteps + [...this.running.values()].reduce((a, r) => a + r.step, 0);
    if (stepsNow <= 0) return NaN;
    return ((this.now() - this.started) / stepsNow) * (this.totalSteps - stepsNow);
  }

  /** A run was handed to a worker (it may still wait in the queue until its first evaluation). */
  start(spec: RunSpec): void {
    this.running.set(spec.index, { spec, step: 0, total: this.stepsOf(spec), loss: NaN });
    this.draw(false);
  }

  /** An evaluation of a running run. */
  update(spec: RunSpec, rec: EvalRecord, total: number): void {
    if (this.ended.has(spec.index)) return;
    this.running.set(spec.index, { spec, step: rec.step, total, loss: rec.metrics.train?.loss ?? NaN });
    this.draw(false);
  }

  /** A run ended (any status): print its line. */
  finish(spec: RunSpec, result: RunResult): void {
    this.running.delete(spec.index);
    this.ended.add(spec.index);
    this.doneSteps += this.stepsOf(spec);
    this.done++;
    if (result.status === 'failed') this.failed++;
    if (result.status === 'diverged') this.diverged++;
    if (this.opts.quiet) return;
    const last = result.curve.at(-1);
    const status =
      result.status === 'ok' ? chalk.green('ok') : result.status === 'diverged' ? chalk.yellow('diverged') : chalk.red('failed');
    const metrics = last
      ? `loss ${(last.metrics.train?.loss ?? NaN).toFixed(4)} test_acc ${(last.metrics.test?.acc ?? NaN).toFixed(3)}`
      : (result.error ?? '');
    const width = String(this.todo.length).length;
    const line =
      `[${String(this.done).padStart(width)}/${this.todo.length}] run ${spec.index + 1} ${chalk.dim(spec.id)} ${describeRun(spec)} ` +
      `${status} step ${result.steps} ${metrics} (${result.wallSeconds.toFixed(1)}s) ${chalk.dim(this.counts())}`;
    this.clear();
    this.sink.write(`${line}\n`);
    this.draw(true);
  }

  /** Remove the status line (before the summary or an interruption message). */
  close(): void {
    this.clear();
  }

  private counts(): string {
    const parts = [`running ${this.running.size}`, `failed ${this.failed}`];
    if (this.diverged > 0) parts.push(`diverged ${this.diverged}`);
    if (this.done < this.todo.length) parts.push(`ETA ${formatDuration(this.eta())}`);
    return parts.join(' · ');
  }

  /** The live status line: done/total, counts, ETA, then step and loss of each running run. */
  statusLine(): string {
    const runs = [...this.running.values()]
      .sort((a, b) => a.spec.index - b.spec.index)
      .map((r) => `run ${r.spec.index + 1} ${r.step}/${r.total} loss ${Number.isNaN(r.loss) ? '-' : r.loss.toFixed(4)}`);
    return [`done ${this.done}/${this.todo.length} · ${this.counts()}`, ...runs].join(' │ ');
  }

  private draw(force: boolean): void {
    if (!this.opts.tty || this.opts.quiet) return;
    const t = this.now();
    if (!force && t - this.lastDraw < (this.opts.redrawEvery ?? 0.1)) return;
    this.lastDraw = t;
    let line = this.statusLine();
    const cols = this.sink.columns;
    if (cols !== undefined && visibleLength(line) > cols - 1) line = `${line.slice(0, cols - 2)}…`;
    this.sink.write(`\r\x1b[2K${line}`);
    this.drawn = true;
  }

  private clear(): void {
    if (!this.drawn) return;
    this.sink.write('\r\x1b[2K');
    this.drawn = false;
  }
}
