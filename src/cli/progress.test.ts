import chalk from 'chalk';
import { describe, expect, it } from 'vitest';
import { expandPlan } from '../plan/expand.js';
import { parseExperiment } from '../config/load.js';
import type { EvalRecord, RunResult, RunSpec } from '../types.js';
import { formatDuration, Progress } from './progress.js';

chalk.level = 0;
const runs = expandPlan(parseExperiment('name: p\nseeds: 3\ntrain: { steps: 100, evalEvery: 50 }\n', 'p.yaml')).runs;
const rec = (step: number, loss: number): EvalRecord => ({ step, epoch: 0, metrics: { train: { loss, acc: 0.5 }, test: { loss, acc: 0.75 } } });
const result = (spec: RunSpec, status: RunResult['status'] = 'ok'): RunResult => ({
  spec,
  status,
  steps: status === 'failed' ? 0 : 100,
  curve: status === 'failed' ? [] : [rec(100, 0.25)],
  error: status === 'failed' ? 'boom' : undefined,
  wallSeconds: 2,
});

function harness(opts: { tty: boolean; quiet?: boolean; columns?: number }) {
  let out = '';
  let t = 0;
  const progress = new Progress(runs, () => 100, {
    quiet: opts.quiet ?? false,
    tty: opts.tty,
    sink: { write: (s) => (out += s), columns: opts.columns },
    now: () => t,
    redrawEvery: 0,
  });
  return { progress, out: () => out, tick: (s: number) => (t += s) };
}

describe('Progress', () => {
  it('plain mode: one line per finished run with done/total, running, failed and ETA', () => {
    const h = harness({ tty: false });
    h.progress.start(runs[0]!);
    h.progress.start(runs[1]!);
    h.progress.update(runs[0]!, rec(50, 0.5), 100);
    h.tick(10);
    h.progress.finish(runs[1]!, result(runs[1]!, 'failed'));
    h.progress.update(runs[0]!, rec(100, 0.25), 100);
    h.progress.finish(runs[0]!, result(runs[0]!));
    const lines = h.out().split('\n');
    expect(lines[0]).toBe(`[1/3] run 2 ${runs[1]!.id} seed=1 failed step 0 boom (2.0s) running 1 · failed 1 · ETA 0:10`);
    expect(lines[1]).toBe(`[2/3] run 1 ${runs[0]!.id} seed=0 ok step 100 loss 0.2500 test_acc 0.750 (2.0s) running 0 · failed 1 · ETA 0:05`);
    expect(h.out()).not.toContain('\r');
  });

  it('TTY mode: a status line redrawn in place with each running run\'s step and loss', () => {
    const h = harness({ tty: true });
    h.progress.start(runs[0]!);
    h.progress.start(runs[2]!);
    h.progress.update(runs[2]!, rec(50, 0.4321), 100);
    h.tick(5);
    expect(h.progress.statusLine()).toBe('done 0/3 · running 2 · failed 0 · ETA 0:25 │ run 1 0/100 loss - │ run 3 50/100 loss 0.4321');
    expect(h.out()).toContain('\r\x1b[2Kdone 0/3');
    h.progress.finish(runs[2]!, result(runs[2]!));
    h.progress.update(runs[2]!, rec(100, 0.1), 100); // a late message from the finished run is ignored
    expect(h.progress.statusLine()).toBe('done 1/3 · running 1 · failed 0 · ETA 0:10 │ run 1 0/100 loss -');
    h.progress.close();
    expect(h.out().endsWith('\r\x1b[2K')).toBe(true);
  });

  it('TTY mode: truncates the status line to the terminal width', () => {
    const h = harness({ tty: true, columns: 30 });
    h.progress.start(runs[0]!);
    expect(h.out().split('\r\x1b[2K').at(-1)).toHaveLength(29);
  });

  it('quiet: prints nothing', () => {
    const h = harness({ tty: true, quiet: true });
    h.progress.start(runs[0]!);
    h.progress.update(runs[0]!, rec(50, 0.5), 100);
    h.progress.finish(runs[0]!, result(runs[0]!));
    expect(h.out()).toBe('');
  });

  it.each([
    [0, '0:00'],
    [61.4, '1:01'],
    [3725, '1:02:05'],
    [NaN, '?'],
  ])('formatDuration(%d) = %s', (s, text) => {
    expect(formatDuration(s)).toBe(text);
  });
});
