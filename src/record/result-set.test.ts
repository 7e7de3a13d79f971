import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { axesFromColumns, readResultSet } from './result-set.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bn-exp-set-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const RUNS = 'run_id,seed,model.batchNorm,status,final_test_acc\nr1,0,off,ok,0.9\n';

describe('axesFromColumns', () => {
  it('finds the swept axes between seed and status', () => {
    expect(axesFromColumns(['run_id', 'seed', 'model.batchNorm', 'model.depth', 'status', 'steps'])).toEqual(['model.batchNorm', 'model.depth']);
    expect(axesFromColumns(['run_id', 'seed', 'status'])).toEqual([]);
    expect(axesFromColumns(['a', 'b'])).toEqual([]);
  });
});

describe('readResultSet', () => {
  it('reads a folder with manifest, runs and curves', () => {
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ name: 'quick', axes: ['model.batchNorm'] }));
    writeFileSync(join(dir, 'runs.csv'), RUNS);
    writeFileSync(join(dir, 'curves.csv'), 'run_id,step,test_acc\nr1,0,0.5\n');
    const rs = readResultSet(dir);
    expect(rs).toMatchObject({ name: 'quick', axes: ['model.batchNorm'], curvesColumns: ['run_id', 'step', 'test_acc'] });
    expect(rs.runs).toEqual([{ run_id: 'r1', seed: '0', 'model.batchNorm': 'off', status: 'ok', final_test_acc: '0.9' }]);
    expect(rs.runsColumns).toEqual(['run_id', 'seed', 'model.batchNorm', 'status', 'final_test_acc']);
  });

  it('reads a bare runs.csv path, inferring the axes from its header', () => {
    const file = join(dir, 'runs.csv');
    writeFileSync(file, RUNS);
    const rs = readResultSet(file);
    expect(rs.axes).toEqual(['model.batchNorm']);
    expect(rs.curves).toEqual([]);
    expect(rs.manifest).toBeUndefined();
  });

  it.each([
    ['a missing path', (): string => join(dir, 'nope'), /no such results folder/],
    ['a folder without runs.csv', (): string => dir, /no runs\.csv/],
    ['an empty runs.csv', (): string => (writeFileSync(join(dir, 'runs.csv'), 'run_id,seed,status\n'), dir), /holds no runs/],
    [
      'axes missing from runs.csv',
      (): string => (writeFileSync(join(dir, 'manifest.json'), '{"axes":["model.depth"]}'), writeFileSync(join(dir, 'runs.csv'), RUNS), dir),
      /model\.depth/,
    ],
  ])('refuses %s with a UsageError', (_name, make, message) => {
    const target = make();
    expect(() => readResultSet(target)).toThrow(UsageError);
    expect(() => readResultSet(target)).toThrow(message);
  });
});
