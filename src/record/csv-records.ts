import { parse } from 'csv-parse/sync';
import { UsageError } from '../errors.js';

/** A CSV file split into its header and its records, each record kept as its exact source text. */
export interface RawCsv {
  /** The header line as written, with its line end. */
  headerText: string;
  columns: string[];
  /** Records in file order: parsed cells and the record's exact text (with its line end). */
  records: { cells: Record<string, string>; text: string }[];
}

/**
 * Split CSV text into header and raw records (pure). Reordering or selecting records by their text keeps
 * every byte as written (no re-serialisation); a file without a trailing newline gets one on its last record.
 */
export function splitCsv(text: string, file = 'CSV'): RawCsv {
  let rows: { record: string[]; raw: string }[];
  try {
    rows = parse(text, { raw: true, bom: true, skip_empty_lines: true }) as unknown as { record: string[]; raw: string }[];
  } catch (err) {
    throw new UsageError(`${file}: not a valid CSV file: ${(err as Error).message}`);
  }
  const [head, ...body] = rows;
  if (head === undefined) return { headerText: '', columns: [], records: [] };
  const withNewline = (s: string): string => (s.endsWith('\n') ? s : `${s}\n`);
  const columns = head.record;
  return {
    headerText: withNewline(head.raw),
    columns,
    records: body.map((r) => ({
      cells: Object.fromEntries(columns.map((c, i) => [c, r.record[i] ?? ''])),
      text: withNewline(r.raw),
    })),
  };
}
