import { describe, expect, it } from 'vitest';
import { CsvDataSchema } from '../config/schema.js';
import { Rng } from '../stats/rng.js';
import { parseCsvTable, splitCsvTable } from './csv-data.js';
import { splitWhere } from './region.js';
import { isView, leadingRows, readColumn, rowBlock, readRow, readRows, splitBytes, takeRows, type DenseSplit, type Split } from './split.js';

const cfg = (extra: Record<string, unknown> = {}) => CsvDataSchema.parse({ kind: 'csv', path: 'd.csv', ...extra });

// 300 rows of 4 features with awkward float32 values (far from 0, different scales, a constant column, a
// column spanning 1e-9 to 1e9 whose float64 sums are inexact, so their order shows) and 3 classes.
const ROWS = 300;
const text = (() => {
  const rng = Rng.derive(5, 'split-test');
  const lines = ['a,b,c,d,label'];
  for (let r = 0; r < ROWS; r++) {
    const v = [1000 + 3.7 * rng.normal(), 1e-3 * rng.normal(), 7.25, Math.exp(7 * rng.normal())];
    lines.push(`${v.map((x) => x.toPrecision(9)).join(',')},${r % 3}`);
  }
  return lines.join('\n');
})();
const table = parseCsvTable(text, 'd.csv', cfg());
const F = table.columns.length;

/** The per-feature mean and scale the copy-and-standardize split used: float64 sums over the copied training rows. */
function copyConstants(trainRows: Int32Array): { mean: number[]; scale: number[] } {
  const train = copied(trainRows);
  const [mean, scale] = [[] as number[], [] as number[]];
  for (let j = 0; j < F; j++) {
    let s = 0;
    for (let r = 0; r < train.n; r++) s += train.x[r * F + j] as number;
    const m = s / train.n;
    let v = 0;
    for (let r = 0; r < train.n; r++) v += ((train.x[r * F + j] as number) - m) ** 2;
    const std = Math.sqrt(v / train.n);
    mean.push(m);
    scale.push(std > 0 ? std : 1);
  }
  return { mean, scale };
}

/** The copy-and-standardize split that views replace: rows copied, then (raw - mean) / scale in float64 into float32. */
function copied(rows: Int32Array, standardizeWith?: Int32Array): DenseSplit {
  const x = new Float32Array(rows.length * F);
  rows.forEach((r, i) => x.set(table.x.subarray(r * F, (r + 1) * F), i * F));
  if (standardizeWith !== undefined) {
    const { mean, scale } = copyConstants(standardizeWith);
    for (let j = 0; j < F; j++) {
      for (let r = 0; r < rows.length; r++) x[r * F + j] = ((x[r * F + j] as number) - (mean[j] as number)) / (scale[j] as number);
    }
  }
  return { x, y: Int32Array.from(rows, (r) => table.y[r] as number), n: rows.length, features: F };
}
const copiedRaw = (rows: Int32Array): DenseSplit => copied(rows);

const bytes = (a: Float32Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** Every way of reading a split gives the bytes of `expected`. */
function expectSameValues(split: Split, expected: DenseSplit): void {
  expect(split.n).toBe(expected.n);
  expect(Array.from(split.y)).toEqual(Array.from(expected.y));
  expect(bytes(leadingRows(split)).equals(bytes(expected.x))).toBe(true);
  const scratch = new Float32Array(4 * F).fill(NaN);
  const size = Math.min(3, split.n - 1);
  const block = rowBlock(split, 1, size, scratch);
  expect(bytes(block).equals(bytes(expected.x.subarray(F, (1 + size) * F)))).toBe(true);
  if (isView(split)) expect(block.buffer).toBe(scratch.buffer); // read into the buffer given
  const order = Rng.derive(1, 'order').permutation(split.n);
  expect(bytes(readRows(split, order)).equals(bytes(readRows(expected, order)))).toBe(true);
  const row = new Float32Array(F + 2);
  const r = split.n - 2;
  readRow(split, r, row, 2);
  expect(bytes(row.subarray(2)).equals(bytes(expected.x.subarray(r * F, (r + 1) * F)))).toBe(true);
  for (let j = 0; j < F; j++) {
    const column = readColumn(split, j, new Float64Array(split.n));
    expect(column.every((v, r) => v === expected.x[r * F + j])).toBe(true);
  }
}

describe('view splits of a csv table', () => {
  for (const standardize of [true, false]) {
    it(`read the values of the copied${standardize ? ' and standardized' : ''} split, bit for bit`, () => {
      const { train, test } = splitCsvTable(table, 'd.csv', cfg({ standardize }), 3);
      expect([isView(train), isView(test)]).toEqual([true, true]);
      expect(train.table).toBe(table.x); // no copy of the table
      if (standardize) {
        // The constants to the last bit of float64: the same sums in the same order over the training rows.
        const { mean, scale } = copyConstants(train.rows);
        expect(Array.from(train.standardize!.mean)).toEqual(mean);
        expect(Array.from(train.standardize!.scale)).toEqual(scale);
        expect(scale[2]).toBe(1); // the constant column is only centred
        expect(test.standardize).toBe(train.standardize);
      } else expect([train.standardize, test.standardize]).toEqual([undefined, undefined]);
      expectSameValues(train, copied(train.rows, standardize ? train.rows : undefined));
      expectSameValues(test, copied(test.rows, standardize ? train.rows : undefined));
    });
  }

  it('would differ with other float arithmetic (the data is sensitive to rounding)', () => {
    const { train } = splitCsvTable(table, 'd.csv', cfg(), 3);
    const std = train.standardize!;
    const values = leadingRows(train);
    const float32Steps = Float32Array.from({ length: train.n * F }, (_, i) => {
      const raw = table.x[(train.rows[Math.floor(i / F)] as number) * F + (i % F)] as number;
      return Math.fround(Math.fround(raw - (std.mean[i % F] as number)) / Math.fround(std.scale[i % F] as number));
    });
    expect(bytes(values).equals(bytes(float32Steps))).toBe(false);
  });

  it('compose: a view of a view reads the same rows as taking them from the copy', () => {
    const { train, test } = splitCsvTable(table, 'd.csv', cfg(), 4);
    const expected = copied(test.rows, train.rows);
    const picked = [5, 0, 17, 17, test.n - 1];
    const once = takeRows(test, picked);
    expect(isView(once)).toBe(true);
    expectSameValues(once, takeRows(expected, picked) as DenseSplit);
    const where = (s: Split): Split => splitWhere(s, (r) => r % 3 !== 1);
    const twice = where(once);
    expect(isView(twice)).toBe(true);
    expectSameValues(twice, where(takeRows(expected, picked)) as DenseSplit);
    expect(splitBytes(twice)).toBe(twice.n * 8); // row indices and labels only
  });

  it('dense splits: takeRows copies, reads are those of the matrix', () => {
    const dense = copiedRaw(Int32Array.from({ length: 20 }, (_, r) => 19 - r));
    expect(leadingRows(dense, 3)).toEqual(dense.x.subarray(0, 3 * F));
    const taken = takeRows(dense, [2, 2, 0]);
    expect(isView(taken)).toBe(false);
    expect(Array.from(leadingRows(taken))).toEqual([...dense.x.subarray(2 * F, 3 * F), ...dense.x.subarray(2 * F, 3 * F), ...dense.x.subarray(0, F)]);
    expect(splitBytes(dense)).toBe(20 * F * 4 + 20 * 4);
  });
});
