import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { splitCsv } from './csv-records.js';
import { orderedCsvText, reorderResults, runKeyedCsvs } from './run-order.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bn-exp-order-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const read = (f: string): string => readFileSync(join(dir, f), 'utf8');

describe('splitCsv', () => {
  it('keeps each record as its exact text, quoted newlines included', () => {
    const csv = splitCsv('run_id,error\nb,"two\nlines, ""quoted"""\na,\n');
    expect(csv.headerText).toBe('run_id,error\n');
    expect(csv.columns).toEqual(['run_id', 'error']);
    expect(csv.records.map((r) => r.text)).toEqual(['b,"two\nlines, ""quoted"""\n', 'a,\n']);
    expect(csv.records[0]!.cells).toEqual({ run_id: 'b', error: 'two\nlines, "quoted"' });
  });

  it('gives a last record without a newline one', () => {
    expect(splitCsv('run_id\nx').records[0]!.text).toBe('x\n');
  });
});

describe('orderedCsvText', () => {
  it('orders records by run, stable within a run; unknown runs last', () => {
    const csv = splitCsv('run_id,step\nb,0\na,0\nz,0\nb,10\na,10\n');
    expect(orderedCsvText(csv, ['a', 'b'])).toBe('run_id,step\na,0\na,10\nb,0\nb,10\nz,0\n');
  });
});

describe('reorderResults', () => {
  it('rewrites runs.csv and every run-keyed CSV (layers.csv too) in run-list order, leaves others alone', () => {
    writeFileSync(join(dir, 'runs.csv'), 'run_id,status,error\nr2,failed,"bad\nthing"\nr1,ok,\n');
    writeFileSync(join(dir, 'curves.csv'), 'run_id,step\nr2,0\nr1,0\nr1,10\n');
    writeFileSync(join(dir, 'layers.csv'), 'step,run_id,layer\n0,r2,1\n0,r1,1\n0,r1,2\n');
    writeFileSync(join(dir, 'notes.csv'), 'b,a\n2,1\n');
    expect(runKeyedCsvs(dir)).toEqual(['runs.csv', 'curves.csv', 'layers.csv']);
    expect(reorderResults(dir, ['r1', 'r2'])).toEqual(['runs.csv', 'curves.csv', 'layers.csv']);
    expect(read('runs.csv')).toBe('run_id,status,error\nr1,ok,\nr2,failed,"bad\nthing"\n');
    expect(read('curves.csv')).toBe('run_id,step\nr1,0\nr1,10\nr2,0\n');
    expect(read('layers.csv')).toBe('step,run_id,layer\n0,r1,1\n0,r1,2\n0,r2,1\n');
    expect(read('notes.csv')).toBe('b,a\n2,1\n');
  });

  it('does not touch files already in order', () => {
    writeFileSync(join(dir, 'runs.csv'), 'run_id\nr1\nr2\n');
    const before = statSync(join(dir, 'runs.csv')).mtimeMs;
    expect(reorderResults(dir, ['r1', 'r2'])).toEqual([]);
    expect(statSync(join(dir, 'runs.csv')).mtimeMs).toBe(before);
  });
});
