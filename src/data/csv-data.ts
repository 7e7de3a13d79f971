import { CsvError, type Options } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import type { CsvDataConfig } from '../config/schema.js';
import type { Standardization, ViewSplit } from './split.js';
import { didYouMean } from '../util/suggest.js';
import { Rng } from '../stats/rng.js';

/**
 * A user's CSV file as a dataset (pure: the caller reads the file). The first line is the header; the
 * label column holds numbers or strings (classes are the sorted distinct values); every feature cell
 * must be a finite number. The split is seeded and stratified: round(testFraction * n_c) rows of each
 * class c go to test. The two sets are views of the table's rows (the table is never copied); with
 * `standardize`, values are standardized as they are read with the training set's mean and std (a
 * constant feature is only centred).
 */

/** `; did you mean "x"?` for the closest column name, or the columns when none is close. */
function columnHint(name: string, header: readonly string[]): string {
  const guess = didYouMean(name, header);
  if (guess !== undefined) return `; did you mean "${guess}"?`;
  return ` (columns: ${header.slice(0, 12).map((c) => `"${c}"`).join(', ')}${header.length > 12 ? ', ...' : ''})`;
}

/** A problem with the data file, reported on a config path (e.g. `data.label`). */
export class DataError extends Error {
  readonly path: string;
  constructor(path: string, message: string) {
    super(message);
    this.name = 'DataError';
    this.path = path;
  }
}

/** A CSV file parsed into numbers: features [n, columns] and class ids. */
export interface CsvTable {
  columns: string[];
  x: Float32Array;
  y: Int32Array;
  n: number;
  /** Class names, in class-id order. */
  classes: string[];
}

/**
 * Options of csv-parse for data files, with `onRecord` called on each record (its first line number):
 * the parser keeps no records, so a file is never held as an array of rows.
 */
export function csvParseOptions(onRecord: (record: string[], line: number) => void): Options {
  return {
    bom: true,
    skip_empty_lines: true,
    trim: true,
    on_record: (record: string[], context: { lines: number }) => {
      onRecord(record, context.lines);
      return null;
    },
  };
}

/** The largest growable SharedArrayBuffer Node 20 makes (maxByteLength above 2^32 is a RangeError). */
const MAX_SHARED_BYTES = 2 ** 32;

/** Rows of `features` float32 values that fit in MAX_SHARED_BYTES. */
const capRows = (features: number): number => Math.floor(MAX_SHARED_BYTES / (4 * features));

/** A growable SharedArrayBuffer (ES2024; Node 20 has it, the ES2022 lib types do not). */
type GrowableShared = SharedArrayBuffer & { grow(bytes: number): void; readonly maxByteLength: number };
const Growable = SharedArrayBuffer as unknown as new (bytes: number, opts: { maxByteLength: number }) => GrowableShared;

/**
 * 4-byte numbers in shared memory that grow in place: address space for `max` values is reserved up
 * front, pages are committed as they are written, nothing is ever copied to grow.
 */
class SharedNumbers<T extends Float32Array | Int32Array> {
  private readonly buffer: GrowableShared;
  private readonly make: (b: SharedArrayBuffer, length: number) => T;
  view: T;

  constructor(max: number, make: (b: SharedArrayBuffer, length: number) => T) {
    this.buffer = new Growable(0, { maxByteLength: 4 * Math.max(1, max) });
    this.make = make;
    this.view = make(this.buffer, 0);
  }

  /** Room for `length` values (grows by a quarter at least, so growing is amortized). */
  reserve(length: number): void {
    if (length <= this.view.length) return;
    const want = Math.max(length, Math.ceil(this.view.length * 1.25), 1 << 18);
    const bytes = 4 * Math.min(want, this.buffer.maxByteLength / 4);
    if (bytes < 4 * length) throw new Error(`SharedNumbers: ${length} values exceed the ${this.buffer.maxByteLength} bytes reserved`);
    this.buffer.grow(bytes);
    this.view = this.make(this.buffer, bytes / 4);
  }

  /** The first `length` values (a fixed-length view on the same shared memory). */
  done(length: number): T {
    return this.make(this.buffer, length);
  }
}

/**
 * Builds a CsvTable one record at a time, into shared memory (workers receive the table without a
 * copy). `sizeBytes` (the file's size) bounds the rows, so the reserved address space is bounded too.
 * The checks and messages are those of the whole-file parse: the header (duplicate names), then, at the
 * first data row or at the end, "no data rows" and the label and feature columns, then each cell.
 */
export class CsvTableBuilder {
  private readonly file: string;
  private readonly cfg: Pick<CsvDataConfig, 'label' | 'columns'>;
  private readonly sizeBytes: number;
  private header: string[] | undefined;
  private columns: string[] = [];
  private at: number[] = [];
  private labelAt = -1;
  private maxRows = 0;
  private x: SharedNumbers<Float32Array> | undefined;
  private codes: SharedNumbers<Int32Array> | undefined;
  /** Distinct raw labels by first appearance: their index is the provisional class code. */
  private readonly labelCode = new Map<string, number>();
  private n = 0;

  constructor(file: string, cfg: Pick<CsvDataConfig, 'label' | 'columns'>, sizeBytes: number) {
    this.file = file;
    this.cfg = cfg;
    this.sizeBytes = sizeBytes;
  }

  /** One record of the file: the header first, then data rows (`line` = its first line in the file). */
  add(record: string[], line: number): void {
    if (this.header === undefined) {
      this.setHeader(record);
      return;
    }
    if (this.x === undefined) this.resolveColumns();
    const f = this.at.length;
    const x = this.x!;
    const codes = this.codes!;
    if (this.n === this.maxRows) {
      if (this.maxRows === capRows(f)) {
        throw new DataError('data.path', `${this.file}: line ${line}: more than ${MAX_SHARED_BYTES / 2 ** 30} GiB of float32 features (${f} columns); use fewer rows or columns`);
      }
      // More rows than its size when opened can hold: the file is being written to.
      throw new DataError('data.path', `${this.file}: line ${line}: the file grew while it was read (${this.sizeBytes} bytes when opened); read it again once it is complete`);
    }
    x.reserve((this.n + 1) * f);
    codes.reserve(this.n + 1);
    const row = this.n * f;
    for (let j = 0; j < f; j++) {
      const cell = record[this.at[j]!] ?? '';
      const v = cell === '' ? NaN : Number(cell);
      if (!Number.isFinite(v)) {
        const what = cell === '' ? 'is empty' : `"${cell}" is not a number`;
        throw new DataError('data.path', `${this.file}: line ${line}, column "${this.columns[j]}": ${what}`);
      }
      if (!Number.isFinite(Math.fround(v))) {
        throw new DataError('data.path', `${this.file}: line ${line}, column "${this.columns[j]}": ${cell} is beyond float32 (at most 3.4e38 in size), which the backends compute in; rescale the column`);
      }
      x.view[row + j] = v;
    }
    const label = record[this.labelAt] ?? '';
    if (label === '') throw new DataError('data.path', `${this.file}: line ${line}, column "${this.cfg.label}": the label is empty`);
    let code = this.labelCode.get(label);
    if (code === undefined) {
      code = this.labelCode.size;
      this.labelCode.set(label, code);
    }
    codes.view[this.n] = code;
    this.n++;
  }

  /** The table once every record was added; throws DataError as the whole-file parse did. */
  finish(): CsvTable {
    if (this.header === undefined) throw new DataError('data.path', `${this.file}: the file is empty (expected a header line and data rows)`);
    if (this.n === 0) throw new DataError('data.path', `${this.file}: no data rows (only a header line)`);
    const raw = [...this.labelCode.keys()];
    // Numeric labels are classes by value: 1, 1.0 and 01 are one class, named "1".
    const numeric = raw.every((l) => Number.isFinite(Number(l)));
    const names = numeric ? raw.map((l) => String(Number(l))) : raw;
    const distinct = [...new Set(names)];
    const classes = numeric ? distinct.sort((a, b) => Number(a) - Number(b)) : distinct.sort();
    const id = new Map(classes.map((c, k) => [c, k]));
    const final = Int32Array.from(names, (l) => id.get(l) as number); // provisional code -> class id
    const y = this.codes!.done(this.n);
    for (let r = 0; r < this.n; r++) y[r] = final[y[r]!]!;
    return { columns: this.columns, x: this.x!.done(this.n * this.at.length), y, n: this.n, classes };
  }

  private setHeader(header: string[]): void {
    const twice = header.find((c, i) => header.indexOf(c) !== i);
    if (twice !== undefined) {
      const cols = header.flatMap((c, i) => (c === twice ? [i + 1] : [])).join(' and ');
      throw new DataError('data.path', `${this.file}: column "${twice}" appears twice in the header (columns ${cols}); rename one`);
    }
    this.header = header;
  }

  /** The label and feature columns (at the first data row: a header-only file says so first). */
  private resolveColumns(): void {
    const header = this.header!;
    const { file, cfg } = this;
    this.labelAt = header.indexOf(cfg.label);
    if (this.labelAt < 0) {
      throw new DataError('data.label', `${file}: no column "${cfg.label}" in the header${columnHint(cfg.label, header)}`);
    }
    this.columns = cfg.columns ?? header.filter((_, i) => i !== this.labelAt);
    if (this.columns.length === 0) throw new DataError('data.columns', `${file}: no feature columns besides the label "${cfg.label}"`);
    this.at = this.columns.map((c) => {
      const i = header.indexOf(c);
      if (i < 0) throw new DataError('data.columns', `${file}: no column "${c}" in the header${columnHint(c, header)}`);
      if (i === this.labelAt) throw new DataError('data.columns', `${file}: "${c}" is the label column; it cannot also be a feature`);
      return i;
    });
    // A data row holds at least one character and one separator (or line end) per distinct used cell.
    const bound = Math.floor((this.sizeBytes + 1) / (2 * (new Set(this.at).size + 1))) + 1;
    this.maxRows = Math.min(bound, capRows(this.at.length));
    this.x = new SharedNumbers(this.maxRows * this.at.length, (b, len) => new Float32Array(b, 0, len));
    this.codes = new SharedNumbers(this.maxRows, (b, len) => new Int32Array(b, 0, len));
  }
}

/** Parse CSV text into a numeric table (`file` names it in messages); throws DataError. */
export function parseCsvTable(text: string, file: string, cfg: Pick<CsvDataConfig, 'label' | 'columns'>): CsvTable {
  const builder = new CsvTableBuilder(file, cfg, Buffer.byteLength(text));
  try {
    parse(text, csvParseOptions((record, line) => builder.add(record, line)));
  } catch (err) {
    throw csvFailure(err, file);
  }
  return builder.finish();
}

/** A DataError as is; a csv-parse error as "not a valid CSV file"; anything else unchanged. */
export function csvFailure(err: unknown, file: string): unknown {
  if (err instanceof CsvError) return new DataError('data.path', `${file}: not a valid CSV file: ${err.message}`);
  return err;
}

/** Rows per class that go to test: round(testFraction * n_c). */
function testCounts(y: Int32Array, classes: number, testFraction: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const c of y) counts[c] = (counts[c] as number) + 1;
  return counts.map((n) => Math.round(testFraction * n));
}

/** Test rows wanted per class and the two set sizes of a table's split (they do not depend on the seed); throws DataError. */
function splitCounts(table: CsvTable, file: string, testFraction: number): { wantTest: number[]; train: number; test: number } {
  const k = table.classes.length;
  if (k < 2) throw new DataError('data.label', `${file}: the label column has a single class ("${table.classes[0] ?? ''}") in its ${table.n} data rows; need at least 2`);
  const wantTest = testCounts(table.y, k, testFraction);
  const nTest = wantTest.reduce((s, v) => s + v, 0);
  const nTrain = table.n - nTest;
  if (nTest < 1 || nTrain < 2) {
    throw new DataError(
      'data.path',
      `${file}: too few rows: ${table.n} data rows split with testFraction ${testFraction} give ${nTrain} training and ${nTest} test rows (need at least 2 and 1)`,
    );
  }
  return { wantTest, train: nTrain, test: nTest };
}

/**
 * The sizes of the train and test sets `splitCsvTable` makes of a table, with its checks, without
 * building them (whatever the seed: each class sends round(testFraction * n_c) rows to test).
 */
export function csvSplitSizes(table: CsvTable, file: string, cfg: Pick<CsvDataConfig, 'testFraction'>): { train: number; test: number } {
  const { train, test } = splitCounts(table, file, cfg.testFraction);
  return { train, test };
}

/**
 * The train and test sets of a parsed table: a seeded stratified split, as views of the table's rows (no
 * copy of its values), standardized on read with the training rows' constants when `standardize` is set.
 */
export function splitCsvTable(table: CsvTable, file: string, cfg: Pick<CsvDataConfig, 'testFraction' | 'standardize'>, seed: number): { train: ViewSplit; test: ViewSplit } {
  const k = table.classes.length;
  const { wantTest, train: nTrain, test: nTest } = splitCounts(table, file, cfg.testFraction);
  const order = Rng.derive(seed, 'data', 'split').permutation(table.n);
  const taken = new Array<number>(k).fill(0);
  const trainRows = new Int32Array(nTrain);
  const testRows = new Int32Array(nTest);
  let [i, t] = [0, 0];
  for (const r of order) {
    const c = table.y[r] as number;
    if ((taken[c] as number) < (wantTest[c] as number)) {
      taken[c] = (taken[c] as number) + 1;
      testRows[t++] = r;
    } else {
      trainRows[i++] = r;
    }
  }
  const f = table.columns.length;
  const standardize = cfg.standardize ? trainStandardization(table.x, trainRows, f) : undefined;
  const view = (rows: Int32Array): ViewSplit => {
    const split: ViewSplit = { table: table.x, rows, y: Int32Array.from(rows, (r) => table.y[r] as number), n: rows.length, features: f };
    if (standardize !== undefined) split.standardize = standardize;
    return split;
  };
  return { train: view(trainRows), test: view(testRows) };
}

/**
 * The per-feature mean and std of the training rows of a [rows, features] matrix, summed in float64 over
 * the rows in the given order (a constant feature gets scale 1: it is only centred).
 */
function trainStandardization(x: Float32Array, trainRows: Int32Array, f: number): Standardization {
  const n = trainRows.length;
  const mean = new Float64Array(f);
  const scale = new Float64Array(f);
  for (let j = 0; j < f; j++) {
    let s = 0;
    for (let r = 0; r < n; r++) s += x[(trainRows[r] as number) * f + j] as number;
    const m = s / n;
    let v = 0;
    for (let r = 0; r < n; r++) v += ((x[(trainRows[r] as number) * f + j] as number) - m) ** 2;
    const std = Math.sqrt(v / n);
    mean[j] = m;
    scale[j] = std > 0 ? std : 1;
  }
  return { mean, scale };
}
