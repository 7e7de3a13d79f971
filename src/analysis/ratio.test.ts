import { describe, expect, it } from 'vitest';
import { logRatio } from './ratio.js';
import { evalEveryFrom } from './metric-intervals.js';

const col = 'steps_to_test_acc_0.85';
const runs = (values: string[]) => values.map((v, i) => ({ seed: String(i), status: 'ok', steps: '600', [col]: v }));
const every = { a: evalEveryFrom({ config: { train: { evalEvery: 50 } } }), b: evalEveryFrom({ config: { train: { evalEvery: 50 } } }) };

describe('logRatio of steps-to-target (censored by the evaluation grid)', () => {
  it('equal quantized ratios give a CI that holds the resolution, not "2.0x (95% CI 2.0-2.0)"', () => {
    const est = logRatio(runs(['200', '200', '200']), runs(['100', '100', '100']), col, 0.95, every);
    expect(est.ratio).toBeCloseTo(0.5, 12);
    // each pair's ratio lies in [50/200, 100/150]
    expect(est.ci.low).toBeCloseTo(50 / 200, 12);
    expect(est.ci.high).toBeCloseTo(100 / 150, 12);
  });

  it('a run that reached at the first evaluation leaves that end of the ratio open', () => {
    const est = logRatio(runs(['100', '100', '100']), runs(['50', '50', '50']), col, 0.95, every);
    expect(est.ci.low).toBe(0);
    expect(est.ci.high).toBeCloseTo(1, 12);
  });

  it('is positive for other metrics too (log scale)', () => {
    const r = (xs: number[]) => xs.map((x, i) => ({ seed: String(i), status: 'ok', final_test_loss: String(x) }));
    const est = logRatio(r([0.5, 0.1, 2]), r([0.2, 0.3, 0.05]), 'final_test_loss');
    expect(est.ci.low).toBeGreaterThan(0);
  });
});
