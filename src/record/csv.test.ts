import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { parseCsv, readCsv, toCsv, writeCsv } from './csv.js';

describe('toCsv', () => {
  it('writes columns in order, quoting only when needed, with \\n line ends', () => {
    const rows = [
      { b: 'plain', a: 1.5, c: true },
      { a: Number.NaN, b: 'has, comma', c: false },
      { a: Number.NEGATIVE_INFINITY, b: 'say "hi"\nthere', c: null },
      { a: 1e-7, b: undefined },
    ];
    expect(toCsv(rows, ['a', 'b', 'c'], { header: true })).toBe(
      'a,b,c\n' + '1.5,plain,true\n' + 'NaN,"has, comma",false\n' + '-Infinity,"say ""hi""\nthere",\n' + '1e-7,,\n',
    );
  });
  it('writes only the header for no rows, and nothing without header', () => {
    expect(toCsv([], ['x', 'y'], { header: true })).toBe('x,y\n');
    expect(toCsv([], ['x', 'y'], { header: false })).toBe('');
  });
});

describe('parseCsv', () => {
  it('round-trips commas, quotes, newlines and non-finite numbers', () => {
    const rows = [
      { id: 'r1', note: 'a, b', v: '0.1' },
      { id: 'r2', note: 'say "x"\nok', v: 'NaN' },
      { id: 'r3', note: '', v: 'Infinity' },
    ];
    const parsed = parseCsv(toCsv(rows, ['id', 'note', 'v'], { header: true }));
    expect(parsed).toEqual(rows);
    expect(parsed.map((r) => Number(r.v))).toEqual([0.1, Number.NaN, Number.POSITIVE_INFINITY]);
  });
  it('accepts a BOM and CRLF, and gives [] for a header-only file', () => {
    expect(parseCsv('\uFEFFa,b\r\n1,2\r\n')).toEqual([{ a: '1', b: '2' }]);
    expect(parseCsv('a,b\n')).toEqual([]);
  });
});

describe('readCsv / writeCsv', () => {
  it('writes and reads a file, and names a missing one in a UsageError', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bn-exp-csv-'));
    try {
      const path = join(dir, 'x.csv');
      writeCsv(path, [{ a: 1, b: 'two' }], ['a', 'b']);
      expect(readCsv(path)).toEqual([{ a: '1', b: 'two' }]);
      writeFileSync(path, 'a,b\n1,2,3\n');
      expect(() => readCsv(path)).toThrow(UsageError);
      expect(() => readCsv(join(dir, 'missing.csv'))).toThrow(/missing\.csv/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
