import { parse } from 'csv-parse/sync';
import type { CsvDataConfig } from '../config/schema.js';
import type { Split } from './split.js';
import { didYouMean } from '../util/suggest.js';
import { Rng } from '../stats/rng.js';

/**
 * A user's CSV file as a dataset (pure: the caller reads the file). The first line is the header; the
 * label column holds numbers or strings (classes are the sorted distinct values); every feature cell
 * must be a finite number. The split is seeded and stratified: round(testFraction * n_c) rows of each
 * class c go to test. With `standardize`, features are standardized with the training set's mean and
 * std (a constant feature is only centred).
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

interface CsvRecord {
  record: string[];
  info: { lines: number };
}

/** Parse CSV text into a numeric table (`file` names it in messages); throws DataError. */
export function parseCsvTable(text: string, file: string, cfg: Pick<CsvDataConfig, 'label' | 'columns'>): CsvTable {
  let records: CsvRecord[];
  try {
    records = parse(text, { info: true, bom: true, skip_empty_lines: true, trim: true }) as unknown as CsvRecord[];
  } catch (err) {
    throw new DataError('data.path', `${file}: not a valid CSV file: ${(err as Error).message}`);
  }
  const [head, ...body] = records;
  if (head === undefined) throw new DataError('data.path', `${file}: the file is empty (expected a header line and data rows)`);
  const header = head.record;
  const twice = header.find((c, i) => header.indexOf(c) !== i);
  if (twice !== undefined) {
    const cols = header.flatMap((c, i) => (c === twice ? [i + 1] : [])).join(' and ');
    throw new DataError('data.path', `${file}: column "${twice}" appears twice in the header (columns ${cols}); rename one`);
  }
  if (body.length === 0) throw new DataError('data.path', `${file}: no data rows (only a header line)`);
  const labelAt = header.indexOf(cfg.label);
  if (labelAt < 0) {
    throw new DataError('data.label', `${file}: no column "${cfg.label}" in the header${columnHint(cfg.label, header)}`);
  }
  const columns = cfg.columns ?? header.filter((_, i) => i !== labelAt);
  if (columns.length === 0) throw new DataError('data.columns', `${file}: no feature columns besides the label "${cfg.label}"`);
  const at = columns.map((c) => {
    const i = header.indexOf(c);
    if (i < 0) throw new DataError('data.columns', `${file}: no column "${c}" in the header${columnHint(c, header)}`);
    if (i === labelAt) throw new DataError('data.columns', `${file}: "${c}" is the label column; it cannot also be a feature`);
    return i;
  });
  const n = body.length;
  const f = columns.length;
  const x = new Float32Array(n * f);
  const labels: string[] = [];
  body.forEach(({ record, info }, r) => {
    at.forEach((i, j) => {
      const cell = record[i] ?? '';
      const v = cell === '' ? NaN : Number(cell);
      if (!Number.isFinite(v)) {
        const what = cell === '' ? 'is empty' : `"${cell}" is not a number`;
        throw new DataError('data.path', `${file}: line ${info.lines}, column "${columns[j]}": ${what}`);
      }
      if (!Number.isFinite(Math.fround(v))) {
        throw new DataError('data.path', `${file}: line ${info.lines}, column "${columns[j]}": ${cell} is beyond float32 (at most 3.4e38 in size), which the backends compute in; rescale the column`);
      }
      x[r * f + j] = v;
    });
    const label = record[labelAt] ?? '';
    if (label === '') throw new DataError('data.path', `${file}: line ${info.lines}, column "${cfg.label}": the label is empty`);
    labels.push(label);
  });
  // Numeric labels are classes by value: 1, 1.0 and 01 are one class, named "1".
  const numeric = labels.every((l) => Number.isFinite(Number(l)));
  const names = numeric ? labels.map((l) => String(Number(l))) : labels;
  const distinct = [...new Set(names)];
  const classes = numeric ? distinct.sort((a, b) => Number(a) - Number(b)) : distinct.sort();
  const id = new Map(classes.map((c, k) => [c, k]));
  const y = Int32Array.from(names, (l) => id.get(l) as number);
  return { columns, x, y, n, classes };
}

/** Rows per class that go to test: round(testFraction * n_c). */
function testCounts(y: Int32Array, classes: number, testFraction: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const c of y) counts[c] = (counts[c] as number) + 1;
  return counts.map((n) => Math.round(testFraction * n));
}

/** The train and test sets of a parsed table: a seeded stratified split, then optional standardization. */
export function splitCsvTable(table: CsvTable, file: string, cfg: Pick<CsvDataConfig, 'testFraction' | 'standardize'>, seed: number): { train: Split; test: Split } {
  const k = table.classes.length;
  if (k < 2) throw new DataError('data.label', `${file}: the label column has a single class ("${table.classes[0] ?? ''}") in its ${table.n} data rows; need at least 2`);
  const wantTest = testCounts(table.y, k, cfg.testFraction);
  const nTest = wantTest.reduce((s, v) => s + v, 0);
  const nTrain = table.n - nTest;
  if (nTest < 1 || nTrain < 2) {
    throw new DataError(
      'data.path',
      `${file}: too few rows: ${table.n} data rows split with testFraction ${cfg.testFraction} give ${nTrain} training and ${nTest} test rows (need at least 2 and 1)`,
    );
  }
  const order = Rng.derive(seed, 'data', 'split').permutation(table.n);
  const taken = new Array<number>(k).fill(0);
  const trainRows: number[] = [];
  const testRows: number[] = [];
  for (const r of order) {
    const c = table.y[r] as number;
    if ((taken[c] as number) < (wantTest[c] as number)) {
      taken[c] = (taken[c] as number) + 1;
      testRows.push(r);
    } else {
      trainRows.push(r);
    }
  }
  const f = table.columns.length;
  const pick = (rows: number[]): Split => {
    const x = new Float32Array(rows.length * f);
    rows.forEach((r, i) => x.set(table.x.subarray(r * f, (r + 1) * f), i * f));
    return { x, y: Int32Array.from(rows, (r) => table.y[r] as number), n: rows.length, features: f };
  };
  const train = pick(trainRows);
  const test = pick(testRows);
  if (cfg.standardize) standardizeWithTrain(train, [train, test]);
  return { train, test };
}

/** Standardize every split in place with the per-feature mean and std of `train` (a constant feature is only centred). */
export function standardizeWithTrain(train: Split, splits: Split[]): void {
  const f = train.features;
  for (let j = 0; j < f; j++) {
    let s = 0;
    for (let r = 0; r < train.n; r++) s += train.x[r * f + j] as number;
    const mean = s / train.n;
    let v = 0;
    for (let r = 0; r < train.n; r++) v += ((train.x[r * f + j] as number) - mean) ** 2;
    const std = Math.sqrt(v / train.n);
    const scale = std > 0 ? std : 1;
    for (const sp of splits) for (let r = 0; r < sp.n; r++) sp.x[r * f + j] = ((sp.x[r * f + j] as number) - mean) / scale;
  }
}
