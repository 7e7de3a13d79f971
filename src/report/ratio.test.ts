import { describe, expect, it } from 'vitest';
import { logRatio } from './ratio.js';

const T1 = 12.706204736174694; // scipy.stats.t.ppf(0.975, 1)
const run = (seed: number, steps: string, status = 'ok') => ({ seed: String(seed), status, steps });

describe('logRatio', () => {
  it('pairs by seed over the seeds with a value on both sides (a t CI on the log ratios, exponentiated)', () => {
    const a = [run(0, '300'), run(1, '400'), run(2, '')]; // seed 2 censored on A
    const b = [run(0, '100'), run(1, '100'), run(2, '150')];
    const est = logRatio(a, b, 'steps');
    // By hand: log ratios log(1/3), log(1/4); mean m, sd s = |log(4/3)|/sqrt(2), se = s/sqrt(2).
    const m = (Math.log(1 / 3) + Math.log(1 / 4)) / 2;
    const se = Math.abs(Math.log(4 / 3)) / 2;
    expect(est.kind).toBe('paired');
    expect([est.nA, est.nB]).toEqual([2, 2]);
    expect(est.ratio).toBeCloseTo(Math.exp(m), 12);
    expect(est.ci.low).toBeCloseTo(Math.exp(m - T1 * se), 10);
    expect(est.ci.high).toBeCloseTo(Math.exp(m + T1 * se), 10);
    expect(est.geoA).toBeCloseTo(Math.sqrt(300 * 400), 8);
    expect(est.geoB).toBeCloseTo(100, 10);
  });

  it('falls back to Welch on log values when the seeds differ, and skips diverged and non-positive values', () => {
    const a = [run(0, '200'), run(1, '800'), run(2, '0'), run(3, '100', 'diverged')];
    const b = [run(5, '100'), run(6, '100')];
    const est = logRatio(a, b, 'steps');
    expect(est.kind).toBe('welch');
    expect([est.nA, est.nB]).toEqual([2, 2]);
    expect(est.ratio).toBeCloseTo(100 / 400, 12); // geometric means 400 and 100
  });

  it('gives a point estimate without a CI from one pair, and NaN when a side is empty', () => {
    const one = logRatio([run(0, '300')], [run(0, '100')], 'steps');
    expect(one.ratio).toBeCloseTo(1 / 3, 12);
    expect(one.ci.low).toBeNaN();
    expect(logRatio([run(0, '')], [run(0, '100')], 'steps').ratio).toBeNaN();
  });
});
