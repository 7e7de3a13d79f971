import chalk from 'chalk';
import { describe, expect, it } from 'vitest';
import { compareGroups, type Comparison } from '../analysis/compare.js';
import { parseCsv, toCsv } from '../record/csv.js';
import { compareCsvColumns, compareRecords, renderJson, renderMarkdown, renderTable } from './compare-format.js';

const side = (values: number[], extra: Record<string, string> = {}) =>
  values.map((v, i) => ({ seed: String(i), status: 'ok', final_test_acc: String(v), ...extra }));

// Cell bn=off: a clear gain (+0.1 +- 0.002 on 4 paired seeds -> p < 1e-4); cell bn=before: no change; cell
// bn=after: 2 seeds, not tested.
const comp: Comparison = {
  cellAxes: ['bn'],
  alpha: 0.05,
  onlyA: ['bn=gone'],
  onlyB: [],
  rows: compareGroups(
    [
      { cell: { bn: 'off' }, a: side([0.7, 0.8, 0.75, 0.7]), b: side([0.802, 0.898, 0.85, 0.8]), labelA: 'old', labelB: 'new' },
      { cell: { bn: 'before' }, a: side([0.8, 0.9, 0.85]), b: side([0.81, 0.88, 0.86]), labelA: 'old', labelB: 'new' },
      { cell: { bn: 'after' }, a: side([0.5, 0.55]), b: side([0.9, 0.95]), labelA: 'old', labelB: 'new' },
    ],
    ['final_test_acc'],
  ),
};

describe('compare renderings', () => {
  it('the table shows only what changed by default, coloured, with a footer', () => {
    chalk.level = 0;
    const text = renderTable(comp, { all: false });
    expect(text).toContain('A = old; B = new');
    expect(text).toMatch(/bn=off\s+final_test_acc\s+0\.7375\s+0\.8375\s+\+0\.1 \[0\.09\d*, 0\.10\d*\]\s+<1e-4\s+<1e-4\s+better\s+paired\s+4 pairs/);
    expect(text).not.toContain('bn=before');
    expect(text).toContain('1 of 2 tests changed significantly');
    expect(text).toContain('1 rows not tested (verdict n/a): not enough seeds to test');
    expect(text).toContain('only in A: bn=gone');
    expect(renderTable(comp, { all: true })).toMatch(/bn=after .* n\/a\s+n\/a\s+n\/a\s+not enough seeds to test\s+2 pairs/);
    expect(renderTable(comp, { all: true })).toContain('bn=before');
  });

  it('Markdown has the same rows', () => {
    const md = renderMarkdown(comp, { all: false });
    expect(md).toContain('| cell | metric | A | B | B - A [95% CI] | p | p (Holm) | verdict | test | n |');
    expect(md).toContain('| bn=off | final_test_acc |');
  });

  it('CSV and JSON carry every row with numbers', () => {
    const csv = parseCsv(toCsv(compareRecords(comp), compareCsvColumns(comp), { header: true }));
    expect(csv.map((r) => [r.bn, r.a, r.b, r.test, r.changed, r.verdict])).toEqual([
      ['off', 'old', 'new', 'paired', 'true', 'better'],
      ['before', 'old', 'new', 'paired', 'false', 'same'],
      ['after', 'old', 'new', 'paired', 'false', 'n/a'],
    ]);
    expect(csv[2]!.p).toBe('');
    const json = JSON.parse(renderJson(comp)) as { tests: number; rows: Record<string, unknown>[] };
    expect(json.tests).toBe(2);
    expect(json.rows[0]).toMatchObject({ bn: 'off', metric: 'final_test_acc', n_a: 4, changed: true });
    expect(json.rows[2]).toMatchObject({ bn: 'after', p: null, verdict: 'n/a', method: 'none' });
    expect(json.rows[0]!.p as number).toBeLessThan(1e-4);
  });
});
