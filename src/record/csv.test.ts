import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { float32Text, parseCsv, readCsv, toCsv, writeCsv } from './csv.js';

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

describe('float32Text', () => {
  // float32 values of many magnitudes and digit counts, as a Float32Array (what tensors give back) holds them.
  const values = Float32Array.from({ length: 2000 }, (_, i) => Math.sin(i * 12.9898) * 10 ** ((i % 13) - 6));

  it('reads back to the same float32, and is never longer than String(x)', () => {
    for (const x of values) {
      const text = float32Text(x);
      expect(Math.fround(Number(text)), `${x} -> ${text}`).toBe(x);
      expect(text.length).toBeLessThanOrEqual(String(x).length);
    }
  });

  it('is the shortest such text: one digit less no longer round-trips', () => {
    for (const x of values) {
      const text = float32Text(x);
      const digits = text.replace(/e.*$/, '').replace(/[-.]/g, '').replace(/^0+/, '').replace(/0+$/, '').length;
      if (digits <= 1) continue;
      expect(Math.fround(Number(x.toPrecision(digits - 1))), `${x}: ${text}`).not.toBe(x);
    }
  });

  it('writes 0.883 for the float32 nearest 0.883; keeps float64 values, integers and non-finite numbers as String does', () => {
    expect(float32Text(Math.fround(0.883))).toBe('0.883');
    expect(String(Math.fround(0.883))).toBe('0.8830000162124634');
    for (const x of [0.1 + 0.2, Math.PI, 1 / 3, 240, 0, NaN, Infinity, -Infinity]) expect(float32Text(x)).toBe(String(x));
  });

  it('toCsv uses it only when asked (curves, layers: float32 in origin)', () => {
    const row = { a: Math.fround(0.883), b: 1 / 3 };
    expect(toCsv([row], ['a', 'b'], { header: false, float32: true })).toBe(`0.883,${String(1 / 3)}\n`);
    expect(toCsv([row], ['a', 'b'], { header: false })).toBe(`0.8830000162124634,${String(1 / 3)}\n`);
    // numbers already written as text (String(x)) too; ids, integers and other text are left alone
    const text = { a: String(Math.fround(0.883)), b: String(1 / 3), id: '1073741824', name: '0.8830000162124634x' };
    expect(toCsv([text], ['a', 'b', 'id', 'name'], { header: false, float32: true })).toBe(`0.883,${String(1 / 3)},1073741824,0.8830000162124634x\n`);
  });
});
