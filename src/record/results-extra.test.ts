import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCsv } from './csv.js';
import { openResults, ResultsWriter, SHIFTS_CSV } from './results.js';

// Per-run files besides curves.csv (shifts.csv): written before the runs.csv row, dropped on resume when
// their run was not committed, removed by --force.

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bn-exp-results-extra-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const extra = { [SHIFTS_CSV]: ['run_id', 'shift', 'mmd2'] };
const read = (f: string): Record<string, string>[] => parseCsv(readFileSync(join(dir, f), 'utf8'));

describe('ResultsWriter extra per-run files', () => {
  it('writes the extra rows with their header, and refuses an undeclared file', () => {
    openResults(dir);
    const w = new ResultsWriter(dir, ['run_id'], ['run_id', 'step'], extra);
    w.appendRun([{ run_id: 'r1', step: 0 }], { run_id: 'r1' }, { [SHIFTS_CSV]: [{ run_id: 'r1', shift: 'test', mmd2: 0.5 }] });
    expect(read(SHIFTS_CSV)).toEqual([{ run_id: 'r1', shift: 'test', mmd2: '0.5' }]);
    expect(() => w.appendRun([], { run_id: 'r2' }, { 'other.csv': [] })).toThrow(/other.csv/);
  });

  it('resume drops the rows of a run that never reached runs.csv; --force removes the file', () => {
    openResults(dir);
    const w = new ResultsWriter(dir, ['run_id'], ['run_id', 'step'], extra);
    w.appendRun([], { run_id: 'r1' }, { [SHIFTS_CSV]: [{ run_id: 'r1', shift: 'test', mmd2: 1 }] });
    appendFileSync(join(dir, SHIFTS_CSV), 'r2,test,2\n'); // crashed before r2's runs.csv row
    expect([...openResults(dir, { resume: true }).done]).toEqual(['r1']);
    expect(read(SHIFTS_CSV).map((r) => r.run_id)).toEqual(['r1']);
    openResults(dir, { overwrite: true });
    expect(() => readFileSync(join(dir, SHIFTS_CSV))).toThrow();
  });
});
