import { describe, expect, it } from 'vitest';
import { censoredMeanInterval, censoredSign, intervalPairsMeanCi, kaplanMeierMedian, medianBracket } from './censored.js';

const at = (s: number, every = 50) => ({ low: s - every, high: s });
const never = (last: number) => ({ low: last, high: Infinity });

describe('kaplanMeierMedian', () => {
  it('is the sample median (lower of the middle two) without censoring', () => {
    expect(kaplanMeierMedian([at(100), at(300), at(200)])).toBe(200);
    expect(kaplanMeierMedian([at(100), at(300), at(200), at(400)])).toBe(200);
  });

  it('counts runs that never reached: the median moves up, and is Infinity when half never reach', () => {
    // 4 runs: 100, 200 reached; 2 censored at 600: S(100)=3/4, S(200)=1/2 -> median 200
    expect(kaplanMeierMedian([at(100), at(200), never(600), never(600)])).toBe(200);
    // 3 runs, 2 censored: S never reaches 1/2
    expect(kaplanMeierMedian([at(100), never(600), never(600)])).toBe(Infinity);
    // a censoring before the events shrinks the risk set: S(300) = 1 - 1/2 after the censoring at 150 among 3
    expect(kaplanMeierMedian([never(150), at(300), at(400)])).toBe(300);
  });

  it('brackets the median between the evaluation before and the one that reached', () => {
    expect(medianBracket([at(100), at(100), at(100)])).toEqual({ low: 50, high: 100 });
  });
});

describe('censoredMeanInterval', () => {
  it('never has zero width for a quantized tie: it contains the evaluation before', () => {
    const ci = censoredMeanInterval([at(100), at(100), at(100)]);
    expect(ci.low).toBe(50);
    expect(ci.high).toBe(100);
  });

  it('stays positive where the t interval went negative', () => {
    const ci = censoredMeanInterval([at(50), at(50), at(2000), at(100)]);
    expect(ci.low).toBeGreaterThanOrEqual(0);
    expect(ci.high).toBeGreaterThan(2000 / 4);
  });

  it('leaves censored runs out of the mean and needs 2 reached runs', () => {
    expect(Number.isNaN(censoredMeanInterval([at(100), never(600)]).low)).toBe(true);
  });
});

describe('intervalPairsMeanCi and censoredSign', () => {
  it('a tie of intervals has a CI of positive width', () => {
    const ci = intervalPairsMeanCi([{ low: -1, high: 1 }, { low: -1, high: 1 }, { low: -1, high: 1 }]);
    expect(ci.low).toBe(-1);
    expect(ci.high).toBe(1);
  });

  it('orders pairs only when their intervals do not overlap; two never-reached runs tie', () => {
    expect(censoredSign(at(100), at(50))).toBe(-1);
    expect(censoredSign(at(50), at(100))).toBe(1);
    expect(censoredSign(at(100), at(100))).toBe(0);
    expect(censoredSign(never(600), at(100))).toBe(-1);
    expect(censoredSign(at(100), never(600))).toBe(1);
    expect(censoredSign(never(600), never(600))).toBe(0);
    // reached at the last step (650) vs censored at 600 in another run: 650 > 600, so B was later
    expect(censoredSign(never(600), { low: 600, high: 650 })).toBe(0);
  });
});
