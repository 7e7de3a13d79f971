import chalk from 'chalk';
import { describe, expect, it } from 'vitest';
import { expandPlan } from '../plan/expand.js';
import { parseExperiment, readExperiment } from '../config/load.js';
import type { EvalRecord, RunResult, RunSpec } from '../types.js';
import { describeRun, fitLine, formatDuration, formatRate, type LiveRegion, Progress, shortRun, visibleLength } from './progress.js';

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

function harness(opts: { tty: boolean; quiet?: boolean; columns?: number; slots?: number; todo?: readonly RunSpec[] }) {
  let out = '';
  let t = 0;
  const frames: string[] = [];
  const persisted: string[] = [];
  let cleared = 0;
  const region: LiveRegion = { update: (s) => frames.push(s), persist: (s) => persisted.push(s), clear: () => cleared++ };
  const progress = new Progress(opts.todo ?? runs, () => 100, {
    quiet: opts.quiet ?? false,
    tty: opts.tty,
    sink: { write: (s) => (out += s) },
    region,
    columns: opts.columns ?? 80,
    ...(opts.slots !== undefined ? { slots: opts.slots } : {}),
    now: () => t,
    redrawEvery: 0,
  });
  return { progress, out: () => out, frames, persisted, cleared: () => cleared, tick: (s: number) => (t += s) };
}

describe('Progress', () => {
  it('plain mode: one line per finished run with its status, numbers and the ETA at the measured rate', () => {
    const h = harness({ tty: false });
    h.progress.start(runs[0]!);
    h.progress.start(runs[1]!);
    h.tick(10);
    h.progress.update(runs[0]!, rec(50, 0.5), 100); // 50 steps in 10 s: 5 steps/s
    expect(h.progress.rate()).toBe(5);
    h.progress.finish(runs[1]!, result(runs[1]!, 'failed')); // 150 of 300 steps accounted for
    expect(h.progress.eta()).toBeCloseTo(150 / 15, 9);
    h.tick(10);
    h.progress.update(runs[0]!, rec(100, 0.25), 100);
    h.progress.finish(runs[0]!, result(runs[0]!));
    const lines = h.out().split('\n');
    expect(lines[0]).toBe('[1/3] failed   seed=1  boom  2.0s  ETA 0:10');
    expect(lines[1]).toBe('[2/3] ok       seed=0  loss 0.2500  acc 0.750  2.0s  ETA 0:10'); // 200 steps in 20 s, 100 left
    expect(h.out()).not.toContain('\r');
    expect(h.frames).toEqual([]);
  });

  it('TTY mode: finished lines persist above a status with bar, true running count, rate, ETA and a line per run', () => {
    const h = harness({ tty: true, slots: 1 });
    h.progress.start(runs[0]!);
    h.progress.start(runs[1]!); // its start message overtook run 1's end: one worker, so one is running
    h.tick(4);
    h.progress.update(runs[1]!, rec(50, 0.4321), 100);
    const [head, ...perRun] = h.progress.statusLines();
    expect(head).toMatch(/^█{2,}░+ 0\/3 runs · running 1 · 13 steps\/s · ETA 0:20$/);
    expect(perRun).toHaveLength(1);
    h.progress.finish(runs[0]!, result(runs[0]!));
    expect(h.persisted).toEqual(['[1/3] ok       seed=0  loss 0.2500  acc 0.750  2.0s']);
    expect(h.frames.at(-1)).toContain('1/3 runs · running 1');
    h.progress.update(runs[0]!, rec(100, 0.1), 100); // a late message from the finished run is ignored
    expect(h.progress.runningCount()).toBe(1);
    h.progress.close();
    expect(h.cleared()).toBe(1);
    expect(h.out()).toBe('');
  });

  it('quiet: prints nothing', () => {
    const h = harness({ tty: true, quiet: true });
    h.progress.start(runs[0]!);
    h.progress.update(runs[0]!, rec(50, 0.5), 100);
    h.progress.finish(runs[0]!, result(runs[0]!));
    expect(h.out()).toBe('');
    expect(h.frames).toEqual([]);
    expect(h.persisted).toEqual([]);
  });

  it('every line fits 80 columns on the sweep with the longest swept values (covariate-shift.yaml)', async () => {
    const plan = expandPlan(await readExperiment('experiments/covariate-shift.yaml', []));
    const long = [...plan.runs].sort((a, b) => shortRun(b).length - shortRun(a).length);
    expect(describeRun(long[0]!).length).toBeGreaterThan(80); // the case the fitting is for
    for (const tty of [false, true]) {
      const h = harness({ tty, slots: 2, todo: plan.runs });
      h.progress.start(long[0]!);
      h.progress.start(long[1]!);
      h.tick(3);
      for (let s = 1; s <= 12; s++) h.progress.update(long[0]!, rec(s * 10, 0.7 / s ** 2), 120);
      h.progress.finish(long[1]!, { ...result(long[1]!, 'failed'), error: 'x'.repeat(300) });
      h.progress.finish(long[0]!, result(long[0]!, 'diverged'));
      const lines = [...h.out().split('\n'), ...h.persisted, ...h.frames.flatMap((f) => f.split('\n'))].filter((l) => l !== '');
      expect(lines.length).toBeGreaterThanOrEqual(2);
      for (const l of lines) expect(visibleLength(l)).toBeLessThanOrEqual(80);
    }
  });

  it.each([
    [0, '0:00'],
    [61.4, '1:01'],
    [3725, '1:02:05'],
    [NaN, '?'],
  ])('formatDuration(%d) = %s', (s, text) => {
    expect(formatDuration(s)).toBe(text);
  });

  it.each([
    [NaN, '- steps/s'],
    [3.44, '3.4 steps/s'],
    [412.4, '412 steps/s'],
    [1234, '1.2k steps/s'],
    [45_600, '46k steps/s'],
  ])('formatRate(%d) = %s', (r, text) => {
    expect(formatRate(r)).toBe(text);
  });

  it('fitLine cuts to the width with an ellipsis and leaves short lines alone', () => {
    expect(fitLine('abcdef', 4)).toBe('abc…');
    expect(fitLine(`${chalk.level > 0 ? '' : ''}abc`, 4)).toBe('abc');
    expect(fitLine('\x1b[31mabcdef\x1b[39m', 4)).toBe('abc…');
    expect(visibleLength('\x1b[31mabc\x1b[39m')).toBe(3);
  });
});
