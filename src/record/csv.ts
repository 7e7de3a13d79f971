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
 * CSV text of `rows` in the given column order: `,` separated, `.` decimals (plain `String(x)`,
 * no locale), `\n` line ends, quotes only where a cell needs them. Missing keys give ''.
 */
export function toCsv(
  rows: readonly Record<string, CsvValue>[],
  columns: readonly string[],
  opts: { header: boolean },
): string {
  return stringify(rows as Record<string, CsvValue>[], {
    header: opts.header,
    columns: [...columns],
    record_delimiter: 'unix',
    cast: {
      string: neutralizeFormula,
      number: (x) => String(x),
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
