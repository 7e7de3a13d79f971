import { describe, expect, it } from 'vitest';
import { splitCsv } from './csv-records.js';
import { dataMismatch } from './manifest-info.js';
import { planMerge, type ShardFolder } from './merge.js';

// Shards trained on different contents of one data file are not one experiment: merge refuses them.
const RUNS = [{ id: 'r0', index: 0 }, { id: 'r1', index: 1 }];
function shard(dir: string, index: number, hash: string | undefined): ShardFolder {
  const id = `r${index - 1}`;
  return {
    dir,
    info: { name: 'csv', axes: [], runs: RUNS, backend: 'wasm', shard: { index, count: 2 }, ...(hash ? { dataFiles: { 'data.csv': hash } } : {}) },
    files: new Map([
      ['runs.csv', splitCsv(`run_id,seed,status\n${id},0,ok\n`)],
      ['curves.csv', splitCsv(`run_id,step,train_loss\n${id},0,0.5\n`)],
    ]),
  };
}

describe('data file content in a result set identity', () => {
  it('merge refuses shards whose data file content differs, naming it', () => {
    expect(() => planMerge([shard('s1', 1, 'a'.repeat(64)), shard('s2', 2, 'b'.repeat(64))])).toThrow(
      /s2 and s1 are not shards of one experiment: the content of data\.csv differs \(sha256 aaaaaaaaaaaa vs bbbbbbbbbbbb\)/,
    );
    expect(planMerge([shard('s1', 1, 'a'.repeat(64)), shard('s2', 2, 'a'.repeat(64))]).missing).toEqual([]);
  });

  it('does not compare folders written before data hashes were recorded', () => {
    expect(dataMismatch({ dataFiles: { 'd.csv': 'x' } }, {})).toBeUndefined();
  });
});
