// Reading result tables (runs.csv / curves.csv rows, all cells strings) by config cell: the runs that
// share every swept value and differ only by seed. Pure.

/** A parsed CSV record: column -> cell text. */
export type CsvRow = Record<string, string>;

/** The tables of one result set that analysis needs. */
export interface ResultTables {
  /** Experiment name (manifest `name`). */
  name: string;
  /** Swept dotted paths: the columns of runs.csv that define a cell. */
  axes: string[];
  runs: CsvRow[];
  curves: CsvRow[];
  /** manifest.json, when the set has one (its `config` gives train.evalEvery). */
  manifest?: Record<string, unknown> | undefined;
}

/** One config cell: its swept values and its runs (one per seed), in runs.csv order. */
export interface Cell {
  key: string;
  params: Record<string, string>;
  runs: CsvRow[];
}

/** Key of the cell a row belongs to (its values on `axes`). */
export function cellKeyOf(row: CsvRow, axes: readonly string[]): string {
  return JSON.stringify(axes.map((a) => row[a] ?? ''));
}

/** Group runs by cell, cells in order of first appearance (runs.csv keeps a cell's seeds adjacent). */
export function groupCells(runs: readonly CsvRow[], axes: readonly string[]): Cell[] {
  const cells = new Map<string, Cell>();
  for (const row of runs) {
    const key = cellKeyOf(row, axes);
    let cell = cells.get(key);
    if (!cell) {
      cell = { key, params: Object.fromEntries(axes.map((a) => [a, row[a] ?? ''])), runs: [] };
      cells.set(key, cell);
    }
    cell.runs.push(row);
  }
  return [...cells.values()];
}

/** A cell's swept values as `path=value` pairs ("all runs" when nothing is swept). */
export function cellLabel(params: Record<string, string>): string {
  const parts = Object.entries(params).map(([k, v]) => `${k}=${v}`);
  return parts.length === 0 ? 'all runs' : parts.join(' ');
}





/** A CSV cell as a number: NaN for '' or a missing cell (Number('') would be 0). */
export function num(value: string | undefined): number {
  return value === undefined || value.trim() === '' ? Number.NaN : Number(value);
}

/** Runs that finished normally; statistics are taken over these (diverged and failed runs are counted). */
export function okRuns(runs: readonly CsvRow[]): CsvRow[] {
  return runs.filter((r) => r.status === 'ok');
}

/** Finite values of `column` over `runs`. */
export function finiteValues(runs: readonly CsvRow[], column: string): number[] {
  return runs.map((r) => num(r[column])).filter(Number.isFinite);
}
