import { describe, expect, it } from 'vitest';
import { DataError, parseCsvTable, splitCsvTable } from './csv-data.js';

// What float32 and the class list cannot represent is refused or made explicit, not turned into NaN columns or extra classes.
const cfg = { label: 'label' };
const parse = (text: string) => parseCsvTable(text, 'd.csv', cfg);
const refusal = (text: string): string => {
  try {
    splitCsvTable(parse(text), 'd.csv', { testFraction: 0.25, standardize: false }, 0);
  } catch (e) {
    if (e instanceof DataError) return `${e.path}: ${e.message}`;
    throw e;
  }
  return '';
};

describe('CSV data numbers and labels', () => {
  it('refuses a value beyond float32, naming line and column', () => {
    expect(refusal('a,label\n1,0\n1e39,1\n')).toBe('data.path: d.csv: line 3, column "a": 1e39 is beyond float32 (at most 3.4e38 in size), which the backends compute in; rescale the column');
    expect(parse('a,label\n3e38,0\n-3e38,1\n').x[0]).toBeCloseTo(3e38, -32);
  });

  it('refuses a header naming a column twice', () => {
    expect(refusal('a,b,a,label\n1,2,3,0\n')).toBe('data.path: d.csv: column "a" appears twice in the header (columns 1 and 3); rename one');
  });

  it('reads the labels 1, 1.0 and 01 as one class', () => {
    const t = parse('a,label\n1,1\n2,1.0\n3,01\n4,2\n');
    expect(t.classes).toEqual(['1', '2']);
    expect([...t.y]).toEqual([0, 0, 0, 1]);
  });

  it('says what is wrong with a header-only or one-row file', () => {
    expect(refusal('a,label\n')).toBe('data.path: d.csv: no data rows (only a header line)');
    expect(refusal('a,label\n1,x\n')).toBe('data.label: d.csv: the label column has a single class ("x") in its 1 data rows; need at least 2');
  });
});
