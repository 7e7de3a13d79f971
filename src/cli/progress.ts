import chalk from 'chalk';
import { createLogUpdate } from 'log-update';
import type { EvalRecord, RunResult, RunSpec } from '../types.js';
import { shortValue } from './short-value.js';
import { sparkline } from './sparkline.js';

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

/** The swept values of a run for an 80-column line: the last segment of each path (`depth=8`), then the seed. */
export function shortRun(spec: RunSpec): string {
  const parts = Object.entries(spec.params).map(([k, v]) => `${k.slice(k.lastIndexOf('.') + 1)}=${shortValue(v, 20)}`);
  return [...parts, `seed=${spec.seed}`].join(' ');
}

/** A throughput for humans: `412 steps/s`, `3.4 steps/s`, `1.2k steps/s`; `-` before any measurement. */
export function formatRate(stepsPerSecond: number): string {
  if (!Number.isFinite(stepsPerSecond) || stepsPerSecond <= 0) return '- steps/s';
  if (stepsPerSecond >= 10_000) return `${(stepsPerSecond / 1000).toFixed(0)}k steps/s`;
  if (stepsPerSecond >= 1000) return `${(stepsPerSecond / 1000).toFixed(1)}k steps/s`;
  return `${stepsPerSecond >= 10 ? stepsPerSecond.toFixed(0) : stepsPerSecond.toFixed(1)} steps/s`;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;
/** Printed width of a line (ANSI colour codes excluded; the block and box characters used here are one column). */
export const visibleLength = (s: string): number => s.replace(ANSI, '').length;

/** Cut a line to `width` printed columns, ending in `…` when cut (colours are dropped from a cut line). */
export function fitLine(line: string, width: number): string {
  if (visibleLength(line) <= width) return line;
  return `${line.replace(ANSI, '').slice(0, Math.max(0, width - 1))}…`;
}

/** A bar of `width` cells filled to `fraction`. */
export function bar(fraction: number, width: number): string {
  const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
  const full = Math.round(f * width);
  return '█'.repeat(full) + '░'.repeat(width - full);
}

/** Where progress goes: a stream's write, and its width when it is a terminal. */
export interface ProgressSink {
  write(text: string): void;
  columns?: number;
}

/** A region of the terminal redrawn in place, with lines persisted above it (log-update on a TTY). */
export interface LiveRegion {
  update(text: string): void;
  persist(text: string): void;
  clear(): void;
}

/** How progress is shown. */
export interface ProgressOptions {
  /** Print nothing (the final summary is printed elsewhere). */
  quiet: boolean;
  /** Keep a live status redrawn in place (stdout is a TTY); otherwise plain lines only. */
  tty: boolean;
  /** Plain-mode output (default stdout). */
  sink?: ProgressSink;
  /** TTY-mode output (default log-update on stdout). */
  region?: LiveRegion;
  /** Width of the lines (default: the terminal's, at most 100; 80 off a terminal). */
  columns?: number;
  /** Runs that can train at once (workers x runs per vectorized group): the running count never exceeds it. */
  slots?: number;
  /** Clock in seconds (injected for tests). */
  now?: () => number;
  /** Minimum seconds between two redraws of the status. */
  redrawEvery?: number;
}

interface Running {
  spec: RunSpec;
  step: number;
  total: number;
  losses: number[];
}

/** Seconds of history the throughput is measured over (recent, so that start-up does not weigh on it). */
const RATE_WINDOW = 30;

/**
 * Progress of a sweep. A line per finished run (status, final loss and accuracy, wall time; off a TTY
 * also the ETA), and on a TTY a status redrawn in place: a bar, runs done, the runs really training,
 * steps/s over the last 30 s and the ETA from it, then a line per training run with its step and a
 * log-scale sparkline of its train loss. Every line fits the width; nothing with quiet.
 */
export class Progress {
  private readonly sink: ProgressSink;
  private readonly region: LiveRegion | undefined;
  private readonly now: () => number;
  private readonly width: number;
  private readonly totalSteps: number;
  private readonly running = new Map<number, Running>();
  private readonly ended = new Set<number>();
  private readonly samples: { t: number; steps: number }[] = [];
  private doneSteps = 0;
  private done = 0;
  private failed = 0;
  private diverged = 0;
  private lastDraw = -Infinity;

  constructor(
    private readonly todo: readonly RunSpec[],
    private readonly stepsOf: (spec: RunSpec) => number,
    private readonly opts: ProgressOptions,
  ) {
    this.sink = opts.sink ?? process.stdout;
    this.now = opts.now ?? (() => performance.now() / 1000);
    this.totalSteps = todo.reduce((a, s) => a + stepsOf(s), 0);
    const cols = opts.columns ?? (opts.tty ? process.stdout.columns : undefined);
    this.width = Math.min(100, Math.max(40, (cols ?? 81) - 1));
    if (opts.tty && !opts.quiet) this.region = opts.region ?? logUpdateRegion();
  }

  private stepsNow(): number {
    return this.doneSteps + [...this.running.values()].reduce((a, r) => a + r.step, 0);
  }

  private sample(): void {
    const t = this.now();
    this.samples.push({ t, steps: this.stepsNow() });
    while (this.samples.length > 2 && t - this.samples[1]!.t >= RATE_WINDOW) this.samples.shift();
  }

  /** Steps per second over the recent window (NaN until two measurements at least half a second apart). */
  rate(): number {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (first === undefined || last === undefined || last.t - first.t < 0.5) return NaN;
    return (last.steps - first.steps) / (last.t - first.t);
  }

  /** Seconds left at the recent throughput (NaN before it is measured). */
  eta(): number {
    return (this.totalSteps - this.stepsNow()) / this.rate();
  }

  /** Runs training now: started and not finished, never more than the slots (a start can overtake the end before it). */
  runningCount(): number {
    return Math.min(this.running.size, this.opts.slots ?? Infinity);
  }

  /** A run left the queue. */
  start(spec: RunSpec): void {
    if (this.ended.has(spec.index)) return;
    this.running.set(spec.index, { spec, step: 0, total: this.stepsOf(spec), losses: [] });
    this.sample();
    this.draw(false);
  }

  /** An evaluation of a running run. */
  update(spec: RunSpec, rec: EvalRecord, total: number): void {
    if (this.ended.has(spec.index)) return;
    const r = this.running.get(spec.index) ?? { spec, step: 0, total, losses: [] };
    r.step = rec.step;
    r.total = total;
    r.losses.push(rec.metrics.train?.loss ?? NaN);
    this.running.set(spec.index, r);
    this.sample();
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
    this.sample();
    if (this.opts.quiet) return;
    const line = this.finishedLine(spec, result);
    if (this.region !== undefined) {
      this.region.persist(line);
      this.draw(true);
    } else {
      this.sink.write(`${line}\n`);
    }
  }

  /** Remove the live status (before the summary or an interruption message). */
  close(): void {
    this.region?.clear();
  }

  /** The line of a finished run: `[3/8] diverged batchNorm=off depth=8 seed=0  step 50  loss NaN  acc 0.521  2.6s` (the step only when it stopped early). */
  finishedLine(spec: RunSpec, result: RunResult): string {
    const n = String(this.todo.length).length;
    const head = `[${String(this.done).padStart(n)}/${this.todo.length}]`;
    const status = result.status === 'ok' ? chalk.green('ok      ') : result.status === 'diverged' ? chalk.yellow('diverged') : chalk.red('failed  ');
    const last = result.curve.at(-1);
    const metrics = last
      ? `${result.status === 'ok' ? '' : `step ${result.steps}  `}loss ${fmtLoss(last.metrics.train?.loss ?? NaN)}  acc ${(last.metrics.test?.acc ?? NaN).toFixed(3)}`
      : fitLine(result.error ?? '', 48);
    const tail = `  ${metrics}  ${result.wallSeconds.toFixed(1)}s` + (this.region === undefined && this.done < this.todo.length ? `  ETA ${formatDuration(this.eta())}` : '');
    // The run's description gives way first: the numbers are what a reader scans for.
    const room = this.width - visibleLength(`${head} ${status} `) - visibleLength(tail);
    // A long error message is what gets cut when even a short description leaves no room.
    return fitLine(`${head} ${status} ${fitLine(shortRun(spec), Math.max(8, room))}${tail}`, this.width);
  }

  /** The live status: a bar with the counts, rate and ETA, then a line per training run. */
  statusLines(): string[] {
    const counts = [`${this.done}/${this.todo.length} runs`, `running ${this.runningCount()}`];
    if (this.diverged > 0) counts.push(chalk.yellow(`diverged ${this.diverged}`));
    if (this.failed > 0) counts.push(chalk.red(`failed ${this.failed}`));
    counts.push(formatRate(this.rate()), `ETA ${formatDuration(this.eta())}`);
    const text = counts.join(' · ');
    const barWidth = Math.max(10, Math.min(30, this.width - visibleLength(text) - 1));
    const fraction = this.totalSteps > 0 ? this.stepsNow() / this.totalSteps : 0;
    const runs = [...this.running.values()]
      .sort((a, b) => a.spec.index - b.spec.index)
      .slice(0, Math.max(1, this.opts.slots ?? 4))
      .map((r) => {
        const loss = r.losses.at(-1);
        const nums = `  ${String(r.step).padStart(String(r.total).length)}/${r.total}  loss ${loss === undefined ? '-     ' : fmtLoss(loss)} ${sparkline(r.losses, 16, 'log')}`;
        const label = `  run ${r.spec.index + 1} `;
        return `${label}${fitLine(shortRun(r.spec), Math.max(8, this.width - label.length - visibleLength(nums)))}${nums}`;
      });
    return [fitLine(`${bar(fraction, barWidth)} ${text}`, this.width), ...runs.map((l) => fitLine(l, this.width))];
  }

  private draw(force: boolean): void {
    if (this.region === undefined) return;
    const t = this.now();
    if (!force && t - this.lastDraw < (this.opts.redrawEvery ?? 0.1)) return;
    this.lastDraw = t;
    this.region.update(this.statusLines().join('\n'));
  }
}

/** A loss in 6 characters: 0.0171, 1.2e-5, NaN. */
function fmtLoss(x: number): string {
  if (!Number.isFinite(x)) return String(x).padEnd(6);
  return x !== 0 && Math.abs(x) < 0.001 ? x.toExponential(1) : x.toFixed(4);
}

function logUpdateRegion(): LiveRegion {
  const log = createLogUpdate(process.stdout);
  return { update: (text) => log(text), persist: (text) => log.persist(text), clear: () => log.clear() };
}
