import { describe, expect, it } from 'vitest';
import { CsvDataSchema } from '../config/schema.js';
import { CsvTableBuilder, DataError, parseCsvTable, splitCsvTable } from './csv-data.js';
import { classCounts, featureStats } from '../stats/moments.js';
import { leadingRows } from './split.js';

const cfg = (extra: Record<string, unknown> = {}) => CsvDataSchema.parse({ kind: 'csv', path: 'd.csv', ...extra });

// 20 rows: a = i, b = 2i + 1 (constant offset), label cat/dog alternating, a comment-free plain file.
const GOOD = ['a,b,label', ...Array.from({ length: 20 }, (_, i) => `${i},${2 * i + 1},${i % 2 === 0 ? 'cat' : 'dog'}`)].join('\n');

describe('parseCsvTable: good files', () => {
  it('reads features in header order and maps string labels to sorted class ids', () => {
    const t = parseCsvTable(GOOD, 'd.csv', cfg());
    expect(t.columns).toEqual(['a', 'b']);
    expect(t.classes).toEqual(['cat', 'dog']);
    expect(t.n).toBe(20);
    expect(Array.from(t.x.subarray(0, 4))).toEqual([0, 1, 1, 3]);
    expect(Array.from(t.y.subarray(0, 3))).toEqual([0, 1, 0]);
  });

  it.each([
    { name: 'label column anywhere, chosen columns', text: 'y,a,b,c\n1,1,2,3\n0,4,5,6\n', extra: { label: 'y', columns: ['c', 'a'] }, x: [3, 1, 6, 4], classes: ['0', '1'] },
    { name: 'numeric labels sort numerically', text: 'a,label\n1,10\n2,9\n3,2\n', extra: {}, x: [1, 2, 3], classes: ['2', '9', '10'] },
    { name: 'blank lines, spaces, CRLF and a BOM', text: '\uFEFFa , label\r\n 1 , x\r\n\r\n2,y\r\n', extra: {}, x: [1, 2], classes: ['x', 'y'] },
    { name: 'scientific notation and negatives', text: 'a,label\n-1e-3,0\n2.5E2,1\n', extra: {}, x: [-0.001, 250], classes: ['0', '1'] },
  ])('$name', ({ text, extra, x, classes }) => {
    const t = parseCsvTable(text, 'd.csv', cfg(extra));
    expect(Array.from(t.x)).toEqual(x.map(Math.fround));
    expect(t.classes).toEqual(classes);
  });
});

describe('parseCsvTable: bad files name the file, line and column', () => {
  it.each([
    { name: 'non-numeric cell', text: 'a,b,label\n1,2,x\n3,oops,y\n', path: 'data.path', message: 'd.csv: line 3, column "b": "oops" is not a number' },
    { name: 'empty cell', text: 'a,b,label\n1,,x\n', path: 'data.path', message: 'd.csv: line 2, column "b": is empty' },
    { name: 'NaN is not a number', text: 'a,label\nNaN,x\n', path: 'data.path', message: 'line 2, column "a": "NaN" is not a number' },
    { name: 'empty label', text: 'a,label\n1,\n', path: 'data.path', message: 'line 2, column "label": the label is empty' },
    { name: 'missing label column', text: 'a,lable\n1,x\n', path: 'data.label', message: 'd.csv: no column "label" in the header; did you mean "lable"?' },
    { name: 'missing label column, nothing close', text: 'a,b\n1,2\n', extra: { label: 'target' }, path: 'data.label', message: 'no column "target" in the header (columns: "a", "b")' },
    { name: 'missing feature column', text: 'a,label\n1,x\n', extra: { columns: ['a', 'zz'] }, path: 'data.columns', message: 'no column "zz"' },
    { name: 'label listed as a feature', text: 'a,label\n1,x\n', extra: { columns: ['label'] }, path: 'data.columns', message: 'is the label column' },
    { name: 'ragged row', text: 'a,label\n1,x\n2,y,3\n', path: 'data.path', message: 'not a valid CSV file' },
    { name: 'empty file', text: '', path: 'data.path', message: 'the file is empty' },
  ])('$name', ({ text, extra, path, message }) => {
    let err: unknown;
    try {
      parseCsvTable(text, 'd.csv', cfg(extra));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).path).toBe(path);
    expect((err as DataError).message).toContain(message);
  });
});

describe('splitCsvTable', () => {
  it('is a seeded, stratified, disjoint split; standardization uses the training statistics', () => {
    const t = parseCsvTable(GOOD, 'd.csv', cfg());
    const { train, test } = splitCsvTable(t, 'd.csv', cfg({ testFraction: 0.2 }), 1);
    expect([train.n, test.n]).toEqual([16, 4]);
    expect(Array.from(classCounts(test.y, 2))).toEqual([2, 2]);
    const s = featureStats({ x: leadingRows(train), n: train.n, features: train.features });
    expect(s.mean[0]).toBeCloseTo(0, 6);
    expect(s.std[1]).toBeCloseTo(1, 6);
    // disjoint and complete: undo the standardization of column a (= row index) from b = 2a + 1 exactly
    const raw = splitCsvTable(t, 'd.csv', cfg({ standardize: false }), 1);
    const rows = [...leadingRows(raw.train), ...leadingRows(raw.test)].filter((_, k) => k % 2 === 0).sort((p, q) => p - q);
    expect(rows).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(leadingRows(splitCsvTable(t, 'd.csv', cfg({ standardize: false }), 1).test)).toEqual(leadingRows(raw.test));
    expect(leadingRows(splitCsvTable(t, 'd.csv', cfg({ standardize: false }), 2).test)).not.toEqual(leadingRows(raw.test));
  });

  it.each([
    { name: 'too few rows', text: 'a,label\n1,x\n2,y\n', message: 'too few rows: 2 data rows split with testFraction 0.2 give' },
    { name: 'a single class', text: 'a,label\n1,x\n2,x\n3,x\n', message: 'has a single class' },
  ])('$name', ({ text, message }) => {
    const t = parseCsvTable(text, 'd.csv', cfg());
    expect(() => splitCsvTable(t, 'd.csv', cfg(), 1)).toThrow(message);
  });
});

describe('CsvTableBuilder', () => {
  it('refuses more rows than the size it was given can hold (a file written to while read)', () => {
    const b = new CsvTableBuilder('d.csv', cfg(), 16); // a row takes at least 4 bytes ("1,x\n"): at most 17 / 4 + 1 = 5 rows
    b.add(['a', 'label'], 1);
    for (let r = 0; r < 5; r++) b.add(['1', 'x'], r + 2);
    expect(() => b.add(['1', 'y'], 7)).toThrow('d.csv: line 7: the file grew while it was read (16 bytes when opened)');
  });

  it('reserves no more shared memory than Node allows for a file of 20 GB', () => {
    const b = new CsvTableBuilder('d.csv', cfg(), 20e9);
    b.add(['a', 'label'], 1);
    b.add(['1', 'x'], 2);
    b.add(['2', 'y'], 3);
    expect(b.finish().n).toBe(2);
  });
});
