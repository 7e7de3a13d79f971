import { describe, expect, it } from 'vitest';
import {
  DEFAULT_OVERHEADS,
  dispatchOrder,
  efficiencyFrom,
  estimateRuns,
  fitTiming,
  longestFirst,
  makespan,
  roughSeconds,
  shapeKey,
  stepMacs,
  sweepSeconds,
  workerSlowdown,
  type TimedRun,
} from './estimate.js';
import { expandPlan } from './expand.js';
import { parseExperiment } from '../config/load.js';

const plan = expandPlan(
  parseExperiment(
    'name: e\nseeds: 2\ntrain: { steps: 100, evalEvery: 50 }\nsweep: { model.width: [16, 32], train.learningRate: [0.1, 0.01] }\n',
    'e.yaml',
  ),
);
const [w16a, w16b, , , w32a] = plan.runs;

describe('shapeKey', () => {
  it('ignores seed and learning rate, not width', () => {
    expect(shapeKey(w16a!)).toBe(shapeKey(w16b!));
    expect(shapeKey(plan.runs[2]!)).toBe(shapeKey(w16a!)); // other learning rate
    expect(shapeKey(w32a!)).not.toBe(shapeKey(w16a!));
  });
});

describe('fitTiming', () => {
  it('recovers fixed + perStep from exact points', () => {
    const t = fitTiming([
      { steps: 10, seconds: 2 + 10 * 0.05 },
      { steps: 20, seconds: 2 + 20 * 0.05 },
      { steps: 40, seconds: 2 + 40 * 0.05 },
    ])!;
    expect(t.fixed).toBeCloseTo(2, 10);
    expect(t.perStep).toBeCloseTo(0.05, 10);
  });

  it('with one step count, or a negative fitted cost, uses the mean rate through 0', () => {
    expect(fitTiming([{ steps: 100, seconds: 5 }, { steps: 100, seconds: 7 }])).toEqual({ fixed: 0, perStep: 0.06 });
    expect(fitTiming([{ steps: 10, seconds: 3 }, { steps: 20, seconds: 1 }])).toEqual({ fixed: 0, perStep: 4 / 30 });
    expect(fitTiming([])).toBeUndefined();
  });
});

describe('estimateRuns', () => {
  it('prefers the same run, then the same shape, then scales by step MACs', () => {
    const timed: TimedRun[] = [
      { spec: w16a!, steps: 100, seconds: 3, complete: true },
      { spec: w16a!, steps: 10, seconds: 0.4, complete: false }, // calibration: never a "same run" answer
    ];
    const [a, b, , , c] = estimateRuns(plan.runs, timed);
    expect(a).toEqual({ seconds: 3, source: 'same run' });
    expect(b!.source).toBe('same shape');
    const perStep = 2.6 / 90; // the line through (10, 0.4) and (100, 3)
    const fixed = 0.4 - 10 * perStep;
    expect(b!.seconds).toBeCloseTo(3, 10);
    expect(c!.source).toBe('scaled');
    const ratio = stepMacs(w32a!) / stepMacs(w16a!);
    expect(c!.seconds).toBeCloseTo(fixed + 100 * perStep * ratio, 10);
  });

  it('without timings knows nothing', () => {
    expect(estimateRuns(plan.runs.slice(0, 1), [])).toEqual([{ seconds: undefined, source: undefined }]);
  });
});

describe('makespan', () => {
  it.each([
    [[3, 3, 3, 3], 1, 12],
    [[3, 3, 3, 3], 2, 6],
    [[5, 1, 1, 1], 2, 5],
    [[1, 1, 1], 8, 1],
    [[], 2, 0],
  ])('%j on %i workers takes %d', (seconds, workers, expected) => {
    expect(makespan(seconds, workers)).toBe(expected);
  });
});

describe('longest runs first', () => {
  it('rough costs grow with depth, width and steps and ignore the learning rate', () => {
    const [a, , lr] = plan.runs; // width 16: lr 0.1, seed 0 / seed 1; lr 0.01
    const deeper = expandPlan(parseExperiment('name: e\ntrain: { steps: 100, evalEvery: 50 }\nmodel: { depth: 8 }\n', 'e.yaml')).runs[0]!;
    const longer = expandPlan(parseExperiment('name: e\ntrain: { steps: 400, evalEvery: 50 }\n', 'e.yaml')).runs[0]!;
    const base = expandPlan(parseExperiment('name: e\ntrain: { steps: 100, evalEvery: 50 }\n', 'e.yaml')).runs[0]!;
    expect(roughSeconds(lr!)).toBe(roughSeconds(a!));
    expect(roughSeconds(w32a!)).toBeGreaterThan(roughSeconds(a!));
    expect(roughSeconds(deeper)).toBeGreaterThan(2 * roughSeconds(base));
    expect(roughSeconds(longer)).toBeGreaterThan(3 * roughSeconds(base));
  });

  it('orders by cost, largest first, ties in list order; with it, 2 workers finish [1,1,1,3] in 3 instead of 4', () => {
    expect(longestFirst([1, 1, 1, 3])).toEqual([3, 0, 1, 2]);
    expect(makespan([1, 1, 1, 3], 2)).toBe(4);
    expect(makespan(longestFirst([1, 1, 1, 3]).map((i) => [1, 1, 1, 3][i]!), 2)).toBe(3);
  });

  it('dispatch order: plan order on one worker, the wider runs first on two', () => {
    const groups = plan.runs.map((r) => [r]);
    expect(dispatchOrder(groups, 1)).toEqual(groups);
    const two = dispatchOrder(groups, 2).map(([r]) => r!.model.width);
    expect(two).toEqual([32, 32, 32, 32, 16, 16, 16, 16]);
  });
});

describe('sweep overheads and parallel efficiency', () => {
  const o = { startSeconds: 2, reportSeconds: 3, parallelEfficiency: 0.5, cores: 2 };

  it('one worker: start-up + the runs in series + the report', () => {
    expect(sweepSeconds([4, 4, 4, 4], 1, o)).toBe(2 + 16 + 3);
  });

  it('two workers on two cores: each run slowed by 1/efficiency, not a linear speed-up', () => {
    expect(workerSlowdown(2, 2, 0.5)).toBe(2);
    expect(sweepSeconds([4, 4, 4, 4], 2, o)).toBe(2 + 16 + 3); // efficiency 0.5: no gain at all
    expect(sweepSeconds([4, 4, 4, 4], 2, { ...o, parallelEfficiency: 1 })).toBe(2 + 8 + 3);
  });

  it('more workers than cores time-share them; more workers than runs do not count', () => {
    expect(workerSlowdown(4, 2, 1)).toBe(2);
    expect(workerSlowdown(1, 1, 0.5)).toBe(1);
    expect(sweepSeconds([4], 8, o)).toBe(2 + 4 + 3); // one run: one worker busy, alone
  });

  it('the default efficiency makes 2 workers faster than 1 but slower than linear', () => {
    const runs = [3, 3, 3, 3, 3, 3];
    const d = { ...DEFAULT_OVERHEADS, cores: 2 };
    const one = sweepSeconds(runs, 1, d) - d.startSeconds - d.reportSeconds;
    const two = sweepSeconds(runs, 2, d) - d.startSeconds - d.reportSeconds;
    expect(two).toBeLessThan(one);
    expect(two).toBeGreaterThan(one / 2);
  });
});

describe('efficiencyFrom', () => {
  it('is the median time alone over the median time side by side, capped at 1', () => {
    expect(efficiencyFrom([1, 1.1, 0.9], [2, 1.6, 1.5])).toBeCloseTo(1 / 1.6, 10);
    expect(efficiencyFrom([1, 1, 1], [0.8, 0.9, 0.7])).toBe(1); // noise never promises super-linear speed-up
  });
});
