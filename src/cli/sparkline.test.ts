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
});
