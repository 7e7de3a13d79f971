import path from 'node:path';
import { requireColumn } from './columns.js';
import { type CsvValue, writeCsv } from './csv.js';

// claims.csv: one row per claim and cell, written by `run` after the summaries (docs/claims.md).

/** File name of the claim verdicts in a results folder. */
export const CLAIMS_CSV = 'claims.csv';

/** Column order of claims.csv. */
export const CLAIMS_COLUMNS = ['claim', 'cell', 'metric', 'kind', 'bound', 'verdict', 'estimate', 'ci_low', 'ci_high', 'n', 'note'] as const;

/** Write claims.csv into `dir` (every column registered); returns its path. */
export function writeClaimsCsv(dir: string, rows: readonly Record<(typeof CLAIMS_COLUMNS)[number], CsvValue>[]): string {
  for (const c of CLAIMS_COLUMNS) requireColumn(c);
  const file = path.join(dir, CLAIMS_CSV);
  writeCsv(file, rows, CLAIMS_COLUMNS);
  return file;
}
