import { describe, expect, it } from 'vitest';
import { sparkline } from './sparkline.js';

describe('sparkline', () => {
  it.each([
    ['a falling loss', [4, 3, 2, 1, 0], '█▆▅▃▁'],
    ['a flat series', [2, 2, 2], '▁▁▁'],
    ['gaps as spaces', [0, Number.NaN, 1], '▁ █'],
    ['nothing finite', [Number.NaN, Number.NaN], '  '],
    ['empty', [], ''],
  ])('draws %s', (_name, values, expected) => {
    expect(sparkline(values)).toBe(expected);
  });

  it('resamples long series to the width, keeping both ends', () => {
    const line = sparkline(Array.from({ length: 101 }, (_, i) => 100 - i), 10);
    expect(line).toHaveLength(10);
    expect(line[0]).toBe('█');
    expect(line.at(-1)).toBe('▁');
  });

  it('draws a loss falling by decades on a log scale, where a linear one reads █▂▁▁▁', () => {
    const loss = [0.7, 0.12, 0.05, 0.02, 0.008];
    expect(sparkline(loss, 32, 'linear')).toBe('█▂▁▁▁');
    const auto = sparkline(loss);
    expect(auto).toBe(sparkline(loss, 32, 'log'));
    expect(new Set(auto).size).toBe(5); // every step down is visible
    expect(auto[0]).toBe('█');
    expect(auto.at(-1)).toBe('▁');
    // Within 10x the scale stays linear; a non-positive value forces linear.
    expect(sparkline([4, 3, 2, 1])).toBe(sparkline([4, 3, 2, 1], 32, 'linear'));
    expect(sparkline([0.7, 0, 0.01], 32, 'log')).toBe(sparkline([0.7, 0, 0.01], 32, 'linear'));
  });
});
