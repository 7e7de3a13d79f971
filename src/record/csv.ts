import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { onPath, UsageError } from '../errors.js';

/** A value toCsv can write: '' for null/undefined, `String(x)` for numbers and booleans. */
export type CsvValue = string | number | boolean | null | undefined;

/** A cell text a spreadsheet would read as a number (kept as is: `-0.5`, `+1e3`, `-Infinity`). */
const NUMBER_TEXT = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$|^[-+]?Infinity$|^NaN$/;

/**
 * A text cell that a spreadsheet would run as a formula (it starts with =, +, -, @, a tab or a carriage
 * return; OWASP "CSV injection") gets a leading `'`, so it is shown as text; numbers are left alone.
 */
export function neutralizeFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) && !NUMBER_TEXT.test(text) ? `'${text}` : text;
}

/**
 * The shortest decimal text that reads back to the same float32 value, for a number that is one
 * (`0.883` for the float32 nearest 0.883, which `String` writes as `0.8830000162124634`). Any other
 * number (a float64 statistic, NaN, ±Infinity) keeps `String(x)`: nothing it holds is dropped.
 */
export function float32Text(x: number): string {
  if (!Number.isFinite(x) || Math.fround(x) !== x) return String(x);
  for (let digits = 1; digits <= 9; digits++) {
    const shorter = Number(x.toPrecision(digits));
    if (Math.fround(shorter) === x) return String(shorter);
  }
  return String(x); // not reached: 9 significant digits always round-trip a float32
}

/**
 * CSV text of `rows` in the given column order: `,` separated, `.` decimals (plain `String(x)`,
 * no locale; with `float32`, float32 values in their shortest round-tripping form, see float32Text),
 * `\n` line ends, quotes only where a cell needs them. Missing keys give ''.
 */
export function toCsv(
  rows: readonly Record<string, CsvValue>[],
  columns: readonly string[],
  opts: { header: boolean; float32?: boolean },
): string {
  // Rows often hold numbers already written as text (String(x)); those that are float32 values are
  // shortened too. Only a canonical non-integer number text qualifies: ids and counts are never touched.
  const shorten = (v: CsvValue): CsvValue =>
    typeof v === 'string' && /[.e]/.test(v) && String(Number(v)) === v && !Number.isInteger(Number(v)) ? float32Text(Number(v)) : v;
  const input = opts.float32 ? rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, shorten(v)]))) : rows;
  return stringify(input as Record<string, CsvValue>[], {
    header: opts.header,
    columns: [...columns],
    record_delimiter: 'unix',
    cast: {
      string: neutralizeFormula,
      number: opts.float32 ? float32Text : (x) => String(x),
      boolean: (x) => String(x), // csv-stringify's default writes true as "1", false as ""
    },
  });
}

/** Records of a CSV text with a header line; every cell stays a string (use `Number()` for numbers). */
export function parseCsv(text: string): Record<string, string>[] {
  return parse(text, { columns: true, bom: true, skip_empty_lines: true }) as Record<string, string>[];
}

/** Read and parse a CSV file; a missing or malformed file is a UsageError naming it. */
export function readCsv(path: string): Record<string, string>[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`${path}: cannot read file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  try {
    return parseCsv(text);
  } catch (err) {
    throw new UsageError(`${path}: not a valid CSV file: ${(err as Error).message}`);
  }
}

/** Write rows as a CSV file (with header) in the given column order, atomically: a kill or a full disk leaves the old file or none, never a cut-off one. */
export function writeCsv(path: string, rows: readonly Record<string, CsvValue>[], columns: readonly string[]): void {
  const tmp = `${path}.${process.pid}.tmp`;
  onPath(path, () => {
    try {
      writeFileSync(tmp, toCsv(rows, columns, { header: true }));
      renameSync(tmp, path);
    } catch (err) {
      rmSync(tmp, { force: true });
      throw err;
    }
  });
}
