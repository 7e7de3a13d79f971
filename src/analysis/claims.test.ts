import { describe, expect, it } from 'vitest';
import type { ClaimConfig } from '../config/schema.js';
import type { CsvRow } from './cells.js';
import { evaluateClaims, verdictOf } from './claims.js';

// bn x depth, 4 seeds; BN raises accuracy by about 0.1 at depth 8 and changes nothing at depth 2.
const ACC: Record<string, number[]> = {
  'off 2': [0.85, 0.86, 0.84, 0.87],
  'before 2': [0.86, 0.85, 0.85, 0.86],
  'off 8': [0.7, 0.74, 0.72, 0.69],
  'before 8': [0.83, 0.85, 0.81, 0.82],
};
const STEPS: Record<string, string[]> = {
  'off 2': ['300', '350', '300', '400'],
  'before 2': ['100', '150', '100', '150'],
  'off 8': ['', '', '550', ''],
  'before 8': ['100', '100', '150', '100'],
};
const runs: CsvRow[] = Object.entries(ACC).flatMap(([key, accs]) =>
  accs.map((acc, seed) => {
    const [bn, depth] = key.split(' ') as [string, string];
    return { seed: String(seed), 'model.batchNorm': bn, 'model.depth': depth, status: 'ok', steps: '600', final_test_acc: String(acc), 'steps_to_test_acc_0.8': STEPS[key]![seed]! };
  }),
);
const tables = { name: 't', axes: ['model.batchNorm', 'model.depth'], runs, curves: [], manifest: { config: { train: { evalEvery: 50 } } } };
const claim = (c: Partial<ClaimConfig>): ClaimConfig => ({ name: 'c', metric: 'final_test_acc', compare: { 'model.batchNorm': ['off', 'before'] }, ...c }) as ClaimConfig;

describe('verdictOf', () => {
  it('holds when the whole interval is on the claimed side, contradicted when wholly on the other, else inconclusive', () => {
    expect(verdictOf({ low: 0.06, high: 0.1 }, { atLeast: 0.05 })).toBe('holds');
    expect(verdictOf({ low: -0.1, high: 0.04 }, { atLeast: 0.05 })).toBe('contradicted');
    expect(verdictOf({ low: 0.01, high: 0.1 }, { atLeast: 0.05 })).toBe('inconclusive');
    expect(verdictOf({ low: 0.2, high: 0.4 }, { atMost: 0.5 })).toBe('holds');
    expect(verdictOf({ low: 0.6, high: 0.9 }, { atMost: 0.5 })).toBe('contradicted');
    expect(verdictOf({ low: Number.NaN, high: Number.NaN }, { atMost: 0.5 })).toBe('inconclusive');
  });
});

describe('evaluateClaims', () => {
  it('checks a difference in every matching cell: holds at depth 8, inconclusive or contradicted at depth 2', () => {
    const results = evaluateClaims(tables, [claim({ name: 'bn-helps', difference: { atLeast: 0.05 } })]);
    expect(results.map((r) => [r.cell, r.verdict, r.n])).toEqual([
      ['model.depth=2', 'contradicted', 4],
      ['model.depth=8', 'holds', 4],
    ]);
    const deep = results[1]!;
    expect(deep.estimate).toBeCloseTo(0.115, 10);
    expect(deep.ci.low).toBeGreaterThan(0.05);
    expect(deep.ci.high).toBeLessThanOrEqual(1);
  });

  it('restricts cells with where, and checks a value on B alone', () => {
    const results = evaluateClaims(tables, [claim({ name: 'bn-deep', where: { 'model.depth': 8 }, value: { atLeast: 0.75 } })]);
    expect(results.map((r) => [r.cell, r.verdict])).toEqual([['model.depth=8', 'holds']]);
    expect(results[0]!.estimate).toBeCloseTo(0.8275, 10);
  });

  it('a ratio of censored steps: holds where both arms reached, inconclusive where A never did (too few pairs)', () => {
    const results = evaluateClaims(tables, [claim({ name: 'bn-faster', metric: 'steps_to_test_acc_0.8', ratio: { atMost: 0.7 } })]);
    expect(results[0]).toMatchObject({ cell: 'model.depth=2', verdict: 'holds', n: 4 });
    expect(results[0]!.ci.high).toBeLessThan(0.7);
    expect(results[0]!.ci.low).toBeGreaterThan(0);
    expect(results[1]).toMatchObject({ cell: 'model.depth=8', verdict: 'inconclusive', n: 1, note: 'not enough seeds to test' });
  });

  it('a value of steps with a never-reached run leaves the top of the interval open', () => {
    const [r] = evaluateClaims(tables, [claim({ name: 'plain-deep-slow', metric: 'steps_to_test_acc_0.8', compare: { 'model.batchNorm': ['before', 'off'] }, where: { 'model.depth': 8 }, value: { atMost: 400 } })]);
    expect(r!.ci.high).toBe(Infinity);
    // lower ends 600, 600, 500, 600 (three never reached by step 600): the CI's low end is above 400
    expect(r!.ci.low).toBeGreaterThan(400);
    expect(r!.verdict).toBe('contradicted');
    expect(r!.n).toBe(4);
  });

  it('is inconclusive with fewer than 3 seeds, whatever the interval', () => {
    const two = { ...tables, runs: runs.filter((r) => Number(r.seed) < 2) };
    const [r] = evaluateClaims(two, [claim({ name: 'x', where: { 'model.depth': 8 }, difference: { atLeast: 0.05 } })]);
    expect(r).toMatchObject({ verdict: 'inconclusive', n: 2, note: 'not enough seeds to test' });
  });
});
