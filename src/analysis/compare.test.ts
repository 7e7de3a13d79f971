import { describe, expect, it } from 'vitest';
import type { CsvRow } from './cells.js';
import { alignSets, compareGroups, type CompareGroup, levelGroups, sameSeeds } from './compare.js';

// Student's sleep data (R's `sleep`): the same ten patients under two drugs; reference values from
// python3 scipy.stats.ttest_rel / ttest_ind(equal_var=False) (see t-tests.test.ts).
const SLEEP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
const SLEEP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];

const runs = (values: number[], extra: Partial<CsvRow> = {}, seeds = values.map((_, i) => i)): CsvRow[] =>
  values.map((v, i) => ({ seed: String(seeds[i]), status: 'ok', final_test_acc: String(v), ...extra }));
const group = (a: CsvRow[], b: CsvRow[]): CompareGroup => ({ cell: {}, a, b, labelA: 'A', labelB: 'B' });

describe('sameSeeds', () => {
  it.each([
    { name: 'same seeds, any order', a: ['0', '1', '2'], b: ['2', '0', '1'], want: true },
    { name: 'different seeds', a: ['0', '1'], b: ['0', '2'], want: false },
    { name: 'different counts', a: ['0', '1'], b: ['0', '1', '2'], want: false },
    { name: 'a duplicated seed', a: ['0', '0'], b: ['0', '1'], want: false },
  ])('$name', ({ a, b, want }) => {
    const rows = (s: string[]): CsvRow[] => s.map((seed) => ({ seed }));
    expect(sameSeeds(rows(a), rows(b))).toBe(want);
  });
});

describe('compareGroups', () => {
  it('pairs by seed when both sides have the same seeds (paired t-test)', () => {
    // B's rows in another order: pairing goes by seed, not by position.
    const b = runs(SLEEP_2).reverse();
    const [row] = compareGroups([group(runs(SLEEP_1), b)], ['final_test_acc']);
    expect(row!.test.kind).toBe('paired');
    expect(row!.test.diff).toBeCloseTo(1.58, 12);
    expect(row!.test.p).toBeCloseTo(0.002832890197384273, 12);
    expect(row!.pHolm).toBeCloseTo(0.002832890197384273, 12);
    expect(row!.changed).toBe(true);
    expect(row!.verdict).toBe('better'); // accuracy went up
  });

  it('uses Welch when the seeds differ', () => {
    const [row] = compareGroups([group(runs(SLEEP_1), runs(SLEEP_2, {}, SLEEP_2.map((_, i) => 100 + i)))], ['final_test_acc']);
    expect(row!.test.kind).toBe('welch');
    expect(row!.test.p).toBeCloseTo(0.0793941401873583, 12);
    expect(row!.changed).toBe(false);
    expect(row!.verdict).toBe('same');
  });

  it('drops pairs with a diverged or missing value, and counts diverged runs', () => {
    const a = runs([1, 2, 3, 4]);
    const b = runs([2, 3, 4, 0]);
    b[3] = { ...b[3]!, status: 'diverged', final_test_acc: 'NaN' };
    const [row] = compareGroups([group(a, b)], ['final_test_acc']);
    // constant +1 over 3 pairs: zero variance, so no test (no p-value, verdict n/a), never "significant"
    expect(row!.test).toMatchObject({ kind: 'paired', nA: 3, diff: 1 });
    expect(row!.test.p).toBeNaN();
    expect(row!.method).toBe('none');
    expect(row!.verdict).toBe('n/a');
    expect([row!.divergedA, row!.divergedB]).toEqual([0, 1]);
  });

  it('calls a lower loss better and counts censored steps-to-target', () => {
    const a = [1, 2, 3].map((s) => ({ seed: String(s), status: 'ok', final_test_loss: String(0.5 + s / 100), steps_to_test_acc_9: '' }));
    const b = [1, 2, 3].map((s) => ({ seed: String(s), status: 'ok', final_test_loss: String(0.3 + s / 50), steps_to_test_acc_9: '40' }));
    const rows = compareGroups([group(a, b)], ['final_test_loss', 'steps_to_test_acc_9']);
    expect(rows[0]!.verdict).toBe('better');
    expect(rows[1]).toMatchObject({ censoredA: 3, censoredB: 0 });
    expect(rows[1]!.test.p).toBeNaN(); // no reached pair: no test
  });

  it('Holm-adjusts across all rows of the comparison', () => {
    const g = group(runs(SLEEP_1), runs(SLEEP_2));
    const rows = compareGroups([g, g, { ...g, b: runs(SLEEP_1) }, { ...g, b: runs(SLEEP_1.map((x, i) => x + (i % 2 === 0 ? 0.1 : -0.1))) }], ['final_test_acc']);
    // p = 0.00283, 0.00283, untested (identical sides: zero variance), p4 -> Holm over the 3 tested rows
    const p4 = rows[3]!.test.p;
    expect(p4).toBeGreaterThan(0.5);
    expect(rows.map((r) => r.pHolm)).toEqual([
      expect.closeTo(3 * 0.002832890197384273, 12),
      expect.closeTo(3 * 0.002832890197384273, 12),
      Number.NaN,
      expect.closeTo(Math.max(3 * 0.002832890197384273, p4), 12),
    ]);
    expect(rows.map((r) => r.changed)).toEqual([true, true, false, false]);
    expect(rows[2]!.verdict).toBe('n/a');
    expect(compareGroups([g], ['final_test_acc'], { alpha: 0.001 })[0]!.changed).toBe(false);
  });
});

describe('compareGroups: the n >= 3 rule, ranges and censored steps', () => {
  const acc = (values: number[], column = 'final_test_acc'): CsvRow[] => values.map((v, i) => ({ seed: String(i), status: 'ok', [column]: String(v) }));

  it('makes no test from 2 pairs however large the difference (verdict n/a)', () => {
    const [row] = compareGroups([group(acc([0.5, 0.52]), acc([0.9, 0.95]))], ['final_test_acc']);
    expect(row!.test.p).toBeNaN();
    expect(row!.pHolm).toBeNaN();
    expect(row!.verdict).toBe('n/a');
    expect(row!.changed).toBe(false);
  });

  it('keeps the CI of a difference of accuracies inside [-1, 1]', () => {
    const [row] = compareGroups([group(acc([0.05, 0.3, 0.1]), acc([0.99, 0.8, 0.97]))], ['final_test_acc']);
    const t = row!.test;
    expect(t.ci.high).toBeLessThanOrEqual(1);
    expect(t.ci.low).toBeGreaterThanOrEqual(-1);
    expect(t.ci.low).toBeLessThan(t.diff);
  });

  it('ranks an @mode accuracy higher-is-better', () => {
    const col = 'final_test_acc@population';
    const [row] = compareGroups([group(acc([0.6, 0.62, 0.61, 0.65], col), acc([0.8, 0.83, 0.82, 0.84], col))], [col]);
    expect(row!.method).toBe('t');
    expect(row!.changed).toBe(true);
    expect(row!.verdict).toBe('better');
  });

  const steps = (values: string[]): CsvRow[] => values.map((v, i) => ({ seed: String(i), status: 'ok', steps: '600', 'train.evalEvery': '50', 'steps_to_test_acc_0.85': v }));

  it('a quantized tie of steps-to-target gives a CI of nonzero width and no p-value', () => {
    const [row] = compareGroups([group(steps(['100', '100', '100']), steps(['100', '100', '100']))], ['steps_to_test_acc_0.85']);
    expect(row!.test.ci.high - row!.test.ci.low).toBeGreaterThan(0);
    expect(row!.test.ci.low).toBeLessThanOrEqual(-50);
    expect(row!.test.ci.high).toBeGreaterThanOrEqual(50);
    expect(row!.test.p).toBeNaN();
    expect(row!.verdict).toBe('n/a');
  });

  it('a constant quantized shift is zero variance: no p-value (the issue\'s "+50 [50, 50], p <1e-4")', () => {
    const [row] = compareGroups([group(steps(['50', '50', '50', '50']), steps(['100', '100', '100', '100']))], ['steps_to_test_acc_0.85']);
    expect(row!.test.diff).toBe(50);
    expect(row!.test.ci.low).toBeLessThanOrEqual(0); // (0, 50] vs (50, 100]: the difference can be near 0
    expect(row!.test.p).toBeNaN();
  });

  it('tests steps-to-target with a sign test where overlapping intervals and two never-reached runs tie', () => {
    const a = steps(['300', '250', '', '400', '350', '300', '', '200']);
    const b = steps(['100', '50', '150', '100', '350', '100', '', '150']);
    const [row] = compareGroups([group(a, b)], ['steps_to_test_acc_0.85']);
    // pairs: 6 earlier with B (one where A never reached), one tie at 350, one tie (both never reached)
    expect(row!.method).toBe('sign');
    expect(row!.signs).toEqual({ down: 6, up: 0, ties: 2 });
    expect(row!.test.p).toBeCloseTo(2 / 2 ** 6, 12);
    expect(row!.verdict).toBe('better');
    expect(row!.censoredA).toBe(2);
  });
});

describe('alignSets', () => {
  const set = (cells: string[], axes = ['bn']) => ({ name: 'x', axes, curves: [], runs: cells.flatMap((bn) => runs([0.5, 0.6], { bn })) });

  it('matches cells by their swept values and lists one-sided cells', () => {
    const r = alignSets(set(['off', 'before']), set(['before', 'after']), { a: 'a', b: 'b' });
    expect(r.problems).toEqual([]);
    expect(r.groups.map((g) => g.cell)).toEqual([{ bn: 'before' }]);
    expect(r.onlyA).toEqual(['bn=off']);
    expect(r.onlyB).toEqual(['bn=after']);
  });

  it('refuses sets that sweep different axes', () => {
    expect(alignSets(set(['off']), set(['off'], ['depth']), { a: 'a', b: 'b' }).problems[0]).toMatch(/different axes: bn vs depth/);
  });
});

describe('levelGroups (--by)', () => {
  // bn x depth, two seeds per cell
  const rows = ['off', 'before'].flatMap((bn) => ['2', '6'].flatMap((depth) => runs([0.5, 0.6], { bn, depth })));
  const set = { name: 'x', axes: ['bn', 'depth'], runs: rows, curves: [] };

  it('compares each level with the first, within each cell of the other axes', () => {
    const r = levelGroups(set, 'bn');
    expect(r.levels).toEqual(['off', 'before']);
    expect(r.groups.map((g) => [g.cell, g.labelA, g.labelB, g.a.map((x) => x.bn), g.b.map((x) => x.depth)])).toEqual([
      [{ depth: '2' }, 'bn=off', 'bn=before', ['off', 'off'], ['2', '2']],
      [{ depth: '6' }, 'bn=off', 'bn=before', ['off', 'off'], ['6', '6']],
    ]);
    expect(sameSeeds(r.groups[0]!.a, r.groups[0]!.b)).toBe(true);
  });

  it('refuses an axis that is not swept or has one level', () => {
    expect(levelGroups(set, 'lr').problems[0]).toMatch(/not a swept axis/);
    expect(levelGroups({ ...set, runs: rows.filter((r) => r.bn === 'off') }, 'bn').problems[0]).toMatch(/only one value/);
  });
});
