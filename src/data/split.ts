// The data types every data module shares, and how a split's values are read (no imports: the bottom of
// the data room).

/** Features as a row-major float matrix of its own plus integer class labels. */
export interface DenseSplit {
  x: Float32Array; // [n, features]
  y: Int32Array; // [n]
  n: number;
  features: number;
}

/** Per-feature standardization constants: a value is Math.fround((raw - mean[j]) / scale[j]). */
export interface Standardization {
  mean: Float64Array;
  scale: Float64Array;
}

/**
 * Rows of a table held elsewhere (a CSV file's matrix in shared memory), standardized as they are read:
 * no copy of the features. Only the row indices and the labels are the split's own.
 */
export interface ViewSplit {
  /** The table's row-major features, [table rows, features]; never written. */
  table: Float32Array;
  /** Row r of the split is row rows[r] of the table. */
  rows: Int32Array;
  /** Applied to every value read; none: the table's values as they are. */
  standardize?: Standardization;
  y: Int32Array; // [n]
  n: number;
  features: number;
}

/**
 * A set of examples: n rows of `features` values and a class label each. Read the values with
 * `readRow`, `readRows`, `readColumn` or `leadingRows`, which give the same numbers for either form.
 */
export type Split = DenseSplit | ViewSplit;

/** The data of one run: train, test and optional extra evaluation sets. */
export interface Dataset {
  train: Split;
  test: Split;
  /** Extra evaluation sets by name (e.g. `shifted`). */
  extra: Record<string, Split>;
  classes: number;
  /**
   * Drift during training (`data.drift`): the training set at each phase, phase 0 = `train`. Training
   * uses phase floor(P * step / totalSteps), chosen at each epoch start; evaluation uses `train`.
   */
  trainPhases?: Split[];
}

/** Whether a split reads its rows from a table it does not own. */
export function isView(split: Split): split is ViewSplit {
  return 'table' in split;
}

/** Row r of a split into out[at, at + features). */
export function readRow(split: Split, r: number, out: Float32Array, at = 0): void {
  const f = split.features;
  if (!isView(split)) {
    out.set(split.x.subarray(r * f, (r + 1) * f), at);
    return;
  }
  const base = (split.rows[r] as number) * f;
  const std = split.standardize;
  if (std === undefined) {
    out.set(split.table.subarray(base, base + f), at);
    return;
  }
  const { table } = split;
  // The float64 quotient rounded to float32 by the store: Math.fround((raw - mean) / scale).
  for (let j = 0; j < f; j++) out[at + j] = ((table[base + j] as number) - (std.mean[j] as number)) / (std.scale[j] as number);
}

/** The given rows of a split, in that order, as a row-major matrix (into `out` when given). */
export function readRows(split: Split, rows: ArrayLike<number>, out = new Float32Array(rows.length * split.features)): Float32Array {
  for (let i = 0; i < rows.length; i++) readRow(split, rows[i] as number, out, i * split.features);
  return out;
}

/**
 * Rows [start, start + size) as a row-major matrix: a dense split's own array (a view on it: never write
 * to it); for a view split, the rows read into `out` (its first size * features values, when it has
 * room) or a new array.
 */
export function rowBlock(split: Split, start: number, size: number, out?: Float32Array): Float32Array {
  const f = split.features;
  if (!isView(split)) return split.x.subarray(start * f, (start + size) * f);
  const block = out !== undefined && out.length >= size * f ? out.subarray(0, size * f) : new Float32Array(size * f);
  for (let r = 0; r < size; r++) readRow(split, start + r, block, r * f);
  return block;
}

/** The first `n` rows as a row-major matrix (see rowBlock: never write to it). */
export function leadingRows(split: Split, n = split.n): Float32Array {
  return rowBlock(split, 0, n);
}

/** Feature j of every row of a split, into `out` (of at least split.n values). */
export function readColumn(split: Split, j: number, out: Float64Array): Float64Array {
  const f = split.features;
  if (!isView(split)) {
    for (let r = 0; r < split.n; r++) out[r] = split.x[r * f + j] as number;
    return out;
  }
  const { table, rows, standardize: std } = split;
  if (std === undefined) {
    for (let r = 0; r < split.n; r++) out[r] = table[(rows[r] as number) * f + j] as number;
    return out;
  }
  const [mean, scale] = [std.mean[j] as number, std.scale[j] as number];
  for (let r = 0; r < split.n; r++) out[r] = Math.fround(((table[(rows[r] as number) * f + j] as number) - mean) / scale);
  return out;
}

/**
 * A split of the given rows of `split`, in that order. Of a view split, a view of the same table with
 * the row indices composed (no values copied); of a dense split, a copy.
 */
export function takeRows(split: Split, rows: ArrayLike<number>): Split {
  const y = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) y[i] = split.y[rows[i] as number] as number;
  if (!isView(split)) return { x: readRows(split, rows), y, n: rows.length, features: split.features };
  const own = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) own[i] = split.rows[rows[i] as number] as number;
  const view: ViewSplit = { table: split.table, rows: own, y, n: rows.length, features: split.features };
  if (split.standardize !== undefined) view.standardize = split.standardize;
  return view;
}

/**
 * Bytes a split holds of its own: a dense split's values and labels, a view split's row indices and
 * labels (the table, and the per-feature constants its sibling splits share, are not counted).
 */
export function splitBytes(split: Split): number {
  return (isView(split) ? split.rows.byteLength : split.x.byteLength) + split.y.byteLength;
}
