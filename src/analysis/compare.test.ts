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
    expect(row!.test).toMatchObject({ kind: 'paired', nA: 3, diff: 1, p: 0 }); // constant +1 over 3 pairs
    expect([row!.divergedA, row!.divergedB]).toEqual([0, 1]);
  });

  it('calls a lower loss better and counts censored steps-to-target', () => {
    const a = [1, 2, 3].map((s) => ({ seed: String(s), status: 'ok', final_test_loss: String(0.5 + s / 100), steps_to_test_acc_9: '' }));
    const b = [1, 2, 3].map((s) => ({ seed: String(s), status: 'ok', final_test_loss: String(0.3 + s / 100), steps_to_test_acc_9: '40' }));
    const rows = compareGroups([group(a, b)], ['final_test_loss', 'steps_to_test_acc_9']);
    expect(rows[0]!.verdict).toBe('better');
    expect(rows[1]).toMatchObject({ censoredA: 3, censoredB: 0 });
    expect(rows[1]!.test.p).toBeNaN(); // no reached pair: no test
  });

  it('Holm-adjusts across all rows of the comparison', () => {
    const g = group(runs(SLEEP_1), runs(SLEEP_2));
    const rows = compareGroups([g, g, { ...g, b: runs(SLEEP_1) }], ['final_test_acc']);
    // p = 0.00283, 0.00283, 1 -> Holm: 3p, max(3p, 2p), max(.., 1*1) = 0.0085, 0.0085, 1
    expect(rows.map((r) => r.pHolm)).toEqual([
      expect.closeTo(3 * 0.002832890197384273, 12),
      expect.closeTo(3 * 0.002832890197384273, 12),
      1,
    ]);
    expect(rows.map((r) => r.changed)).toEqual([true, true, false]);
    expect(compareGroups([g], ['final_test_acc'], { alpha: 0.001 })[0]!.changed).toBe(false);
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
