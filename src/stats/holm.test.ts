import { describe, expect, it } from 'vitest';
import { holm } from './holm.js';

describe('holm', () => {
  it.each([
    // By hand from Holm (1979): sorted 0.005, 0.01, 0.03, 0.04 times m - i = 4, 3, 2, 1 -> 0.02, 0.03, 0.06, 0.04,
    // then the running maximum -> 0.02, 0.03, 0.06, 0.06; reported in input order.
    { name: 'textbook four tests', p: [0.01, 0.04, 0.03, 0.005], want: [0.03, 0.06, 0.06, 0.02] },
    // Same numbers as R: p.adjust(c(0.01, 0.02, 0.03, 0.04, 0.05), "holm") -> 0.05 0.08 0.09 0.09 0.09
    { name: 'R p.adjust example', p: [0.01, 0.02, 0.03, 0.04, 0.05], want: [0.05, 0.08, 0.09, 0.09, 0.09] },
    { name: 'caps at 1', p: [0.5, 0.6], want: [1, 1] },
    { name: 'NaN stays NaN and does not count in m', p: [0.01, NaN, 0.04], want: [0.02, NaN, 0.04] },
    { name: 'ties keep their order', p: [0.02, 0.02], want: [0.04, 0.04] },
    { name: 'empty', p: [], want: [] },
  ])('$name', ({ p, want }) => {
    const got = holm(p);
    expect(got).toHaveLength(want.length);
    got.forEach((g, i) => (Number.isNaN(want[i]) ? expect(g).toBeNaN() : expect(g).toBeCloseTo(want[i]!, 12)));
  });
});
