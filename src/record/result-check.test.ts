import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { readResultSet } from './result-set.js';

// Damaged copies of the committed CI baseline (a real result set): each must be refused by the one reader
// every analysis command uses, naming the file, the line and the column.
const committed = fileURLToPath(new URL('../../results/baselines/ci-baseline', import.meta.url));
const tmp = mkdtempSync(path.join(os.tmpdir(), 'bn-exp-check-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
/** A copy whose `file` text went through `edit`. */
function damaged(file: string, edit: (text: string) => string): string {
  const dir = path.join(tmp, `set${n++}`);
  cpSync(committed, dir, { recursive: true });
  writeFileSync(path.join(dir, file), edit(readFileSync(path.join(dir, file), 'utf8')));
  return dir;
}
const lines = (t: string): string[] => t.split('\n');
/** Replace cell `col` (by header name) of data row `row` (0-based) with `value`. */
const setCell = (row: number, col: string, value: string) => (t: string): string => {
  const ls = lines(t);
  const k = ls[0]!.split(',').indexOf(col);
  const cells = ls[row + 1]!.split(',');
  cells[k] = value;
  ls[row + 1] = cells.join(',');
  return ls.join('\n');
};

describe('readResultSet refuses invalid result values', () => {
  it('reads the intact set', () => {
    expect(readResultSet(committed).runs.length).toBe(8);
  });

  it.each([
    ['text in a runs.csv metric', 'runs.csv', setCell(2, 'final_test_acc', 'abc'), /runs\.csv: line 4, column final_test_acc: "abc" is not a number/],
    ['Infinity in an ok run', 'runs.csv', setCell(0, 'final_train_loss', 'Infinity'), /runs\.csv: line 2, column final_train_loss: Infinity in a run with status ok/],
    ['NaN in an ok run', 'runs.csv', setCell(1, 'final_test_loss', 'NaN'), /line 3, column final_test_loss: NaN in a run with status ok/],
    ['a bogus status', 'runs.csv', setCell(0, 'status', 'great'), /line 2, column status: "great" is not one of ok, diverged, failed/],
    ['no status column', 'runs.csv', (t) => t.replace(',status,', ',state,'), /runs\.csv: no "status" column/],
    ['a duplicated run row', 'runs.csv', (t) => t + lines(t)[1] + '\n', /runs\.csv: line 10: run f329d9572e is listed twice \(also line 2\)/],
    ['a text step', 'curves.csv', setCell(3, 'step', 'ten'), /curves\.csv: line 5, column step: "ten" is not a whole number/],
    ['NaN in an ok run curve', 'curves.csv', setCell(3, 'test_loss', 'NaN'), /curves\.csv: line 5, column test_loss: NaN in a run with status ok/],
    ['a duplicated curve row', 'curves.csv', (t) => t + lines(t)[2] + '\n', /run f329d9572e step 20 appears twice \(also line 3\)/],
    ['an orphan curve row', 'curves.csv', (t) => t + 'deadbeef00,0,0,1,1,0.5,0.5\n', /curves\.csv: line \d+: run deadbeef00 is not in runs\.csv/],
    ['an ok run without curve rows', 'curves.csv', (t) => lines(t).filter((l) => !l.startsWith('f329d9572e')).join('\n'), /1 run with status ok have no rows \(f329d9572e\)/],
    ['a cut-off curves.csv', 'curves.csv', (t) => t.slice(0, -7), /curves\.csv: cut off/],
    ['an empty curves.csv', 'curves.csv', () => '', /curves\.csv: empty/],
    ['a duplicated header name', 'runs.csv', (t) => t.replace(',steps,', ',final_test_acc,'), /runs\.csv: column final_test_acc appear twice/],
  ])('%s', (_name, file, edit, message) => {
    const dir = damaged(file, edit);
    expect(() => readResultSet(dir)).toThrow(UsageError);
    expect(() => readResultSet(dir)).toThrow(message);
  });

  it('refuses a folder with a manifest but no curves.csv', () => {
    const dir = damaged('runs.csv', (t) => t);
    rmSync(path.join(dir, 'curves.csv'));
    expect(() => readResultSet(dir)).toThrow(/curves\.csv: missing/);
  });

  it('accepts NaN and Infinity in a diverged run', () => {
    const dir = damaged('runs.csv', (t) => setCell(0, 'final_train_loss', 'NaN')(setCell(0, 'status', 'diverged')(t)));
    expect(readResultSet(dir).runs[0]!.status).toBe('diverged');
  });
});
