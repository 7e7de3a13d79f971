import chalk from 'chalk';
import { describe, expect, it } from 'vitest';
import { alignColumns, fmt, fmtP, fmtSigned, markdownTable } from './table.js';

describe('number formats', () => {
  it.each([
    [0.123456, '0.1235'],
    [46.666666, '46.67'],
    [200, '200'],
    [0.5, '0.5'],
    [12345.6, '12350'],
    [0.00012, '1.2e-4'],
    [0, '0'],
    [NaN, '-'],
    [Infinity, 'inf'],
  ])('fmt(%s) = %s', (x, want) => expect(fmt(x)).toBe(want));
  it('formats p-values and signed differences', () => {
    expect([fmtP(0.012345), fmtP(0.00001), fmtP(1), fmtP(NaN)]).toEqual(['0.012', '<1e-4', '1', '-']);
    expect([fmtSigned(0.25), fmtSigned(-0.25), fmtSigned(0)]).toEqual(['+0.25', '-0.25', '0']);
  });
});

describe('tables', () => {
  it('aligns columns, ignoring colour codes', () => {
    chalk.level = 1;
    expect(alignColumns([['a', chalk.red('bb'), 'c'], ['ccc', 'd', '']])).toEqual([`a    ${chalk.red('bb')}  c`, 'ccc  d']);
  });
  it('writes Markdown with escaped pipes', () => {
    expect(markdownTable(['x', 'y'], [['1', 'a|b']])).toBe('| x | y |\n| --- | --- |\n| 1 | a\\|b |');
  });
});
