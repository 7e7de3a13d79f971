import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { parseCsv } from './csv.js';
import { openResults, readManifest, ResultsWriter, writeManifestAtomic } from './results.js';

const RUNS = ['run_id', 'seed', 'status', 'error'];
const CURVES = ['run_id', 'step', 'test_acc'];

let root: string;
let dir: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'bn-exp-results-'));
  dir = join(root, 'results', 'quick'); // nested: created recursively
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const read = (f: string): string => readFileSync(join(dir, f), 'utf8');

function writeTwoRuns(): void {
  openResults(dir);
  const w = new ResultsWriter(dir, RUNS, CURVES);
  w.appendRun(
    [
      { run_id: 'r1', step: 10, test_acc: 0.5 },
      { run_id: 'r1', step: 20, test_acc: 0.75 },
    ],
    { run_id: 'r1', seed: 0, status: 'ok' },
  );
  w.appendRun([{ run_id: 'r2', step: 10, test_acc: Number.NaN }], {
    run_id: 'r2',
    seed: 1,
    status: 'failed',
    error: 'out of memory, "again"',
  });
}

describe('ResultsWriter', () => {
  it('writes headers once, in column order, then appends whole runs', () => {
    writeTwoRuns();
    expect(read('runs.csv')).toBe('run_id,seed,status,error\nr1,0,ok,\nr2,1,failed,"out of memory, ""again"""\n');
    expect(read('curves.csv')).toBe('run_id,step,test_acc\nr1,10,0.5\nr1,20,0.75\nr2,10,NaN\n');
  });

  it('writes only headers before the first run', () => {
    openResults(dir);
    new ResultsWriter(dir, RUNS, CURVES);
    expect(read('runs.csv')).toBe('run_id,seed,status,error\n');
    expect(read('curves.csv')).toBe('run_id,step,test_acc\n');
  });

  it('refuses existing files whose columns differ', () => {
    writeTwoRuns();
    expect(() => new ResultsWriter(dir, [...RUNS, 'wall_s'], CURVES)).toThrow(/columns differ/);
  });

  it('refuses a column that is not in the column registry', () => {
    expect(() => new ResultsWriter(dir, [...RUNS, 'extra'], CURVES)).toThrow(/not in the column registry/);
  });
});

describe('openResults', () => {
  it('refuses a folder that holds results, naming it and suggesting --out/--force', () => {
    writeTwoRuns();
    expect(() => openResults(dir)).toThrow(UsageError);
    expect(() => openResults(dir)).toThrow(new RegExp(`${dir}.*--out.*--force`, 's'));
    rmSync(join(dir, 'runs.csv'));
    writeManifestAtomic(dir, { name: 'quick' });
    expect(() => openResults(dir)).toThrow(/manifest\.json/);
  });

  it('accepts an existing folder without results', () => {
    openResults(dir);
    writeFileSync(join(dir, 'notes.txt'), 'hi');
    expect(openResults(dir)).toEqual({ dir, done: new Set() });
  });

  it('with overwrite, deletes previous result files (and only those)', () => {
    writeTwoRuns();
    writeManifestAtomic(dir, { name: 'quick' });
    writeFileSync(join(dir, 'notes.txt'), 'hi');
    expect(openResults(dir, { overwrite: true }).done.size).toBe(0);
    expect(readdirSync(dir)).toEqual(['notes.txt']);
  });

  it('with resume, returns committed runs and drops rows of the run in flight', () => {
    writeTwoRuns();
    // Crash: run r3's curve rows were written, its runs.csv row was not; a torn line is left behind.
    appendFileSync(join(dir, 'curves.csv'), 'r3,10,0.5\nr3,20,0.');
    appendFileSync(join(dir, 'runs.csv'), 'r3,2,o');
    const opened = openResults(dir, { resume: true });
    expect([...opened.done]).toEqual(['r1', 'r2']);
    expect(read('runs.csv')).toBe('run_id,seed,status,error\nr1,0,ok,\nr2,1,failed,"out of memory, ""again"""\n');
    expect(read('curves.csv')).toBe('run_id,step,test_acc\nr1,10,0.5\nr1,20,0.75\nr2,10,NaN\n');
    // Continuing appends after the kept rows, without a second header.
    new ResultsWriter(dir, RUNS, CURVES).appendRun([{ run_id: 'r3', step: 10, test_acc: 1 }], { run_id: 'r3', seed: 2, status: 'ok' });
    expect(parseCsv(read('runs.csv')).map((r) => r.run_id)).toEqual(['r1', 'r2', 'r3']);
    expect(parseCsv(read('curves.csv')).map((r) => r.run_id)).toEqual(['r1', 'r1', 'r2', 'r3']);
  });

  it('rejects --force with --resume', () => {
    expect(() => openResults(dir, { overwrite: true, resume: true })).toThrow(UsageError);
  });
});

describe('writeManifestAtomic', () => {
  it('replaces manifest.json whole and leaves no temp file', () => {
    openResults(dir);
    writeManifestAtomic(dir, { name: 'quick', runs: [1, 2] });
    writeManifestAtomic(dir, { name: 'quick', runs: [1, 2, 3] });
    expect(readManifest(dir)).toEqual({ name: 'quick', runs: [1, 2, 3] });
    expect(read('manifest.json')).toBe('{\n  "name": "quick",\n  "runs": [\n    1,\n    2,\n    3\n  ]\n}\n');
    expect(readdirSync(dir)).toEqual(['manifest.json']);
    expect(existsSync(join(dir, 'runs.csv'))).toBe(false);
  });

  it('readManifest gives undefined without a manifest', () => {
    expect(readManifest(root)).toBeUndefined();
  });
});
