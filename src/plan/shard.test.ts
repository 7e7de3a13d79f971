import { describe, expect, it } from 'vitest';
import { expandPlan } from './expand.js';
import { parseExperiment } from '../config/load.js';
import { formatShard, parseShard, resolveShard, selectShard, shardFromEnv } from './shard.js';

const plan = expandPlan(
  parseExperiment(
    'name: s\nseeds: 3\ntrain: { steps: 5, evalEvery: 5 }\nsweep: { model.batchNorm: [off, before, after], model.depth: [1, 2] }\n',
    's.yaml',
  ),
);

describe('parseShard', () => {
  it.each([
    ['1/4', 1, 4],
    [' 3 / 3 ', 3, 3],
    ['1/1', 1, 1],
  ])('parses %s', (text, index, count) => {
    expect(parseShard(text)).toMatchObject({ index, count });
  });

  it.each([
    ['0/4', /1-based/],
    ['5/4', /out of range/],
    ['1/0', /at least 1/],
    ['a/b', /expected i\/n/],
    ['2', /expected i\/n/],
  ])('rejects %s', (text, message) => {
    expect(() => parseShard(text)).toThrow(message);
  });
});

describe('shardFromEnv', () => {
  it.each([
    ['no scheduler', {}, undefined],
    ['Slurm --array=0-3', { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_COUNT: '4', SLURM_ARRAY_TASK_MIN: '0' }, '3/4'],
    ['Slurm --array=1-4', { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '4', SLURM_ARRAY_TASK_MIN: '1' }, '1/4'],
    ['Slurm --array=0-6:2', { SLURM_ARRAY_TASK_ID: '4', SLURM_ARRAY_TASK_COUNT: '4', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_STEP: '2' }, '3/4'],
    ['Kubernetes Indexed Job', { JOB_COMPLETION_INDEX: '0', JOB_COMPLETIONS: '2' }, '1/2'],
  ])('%s', (_name, env, expected) => {
    const shard = shardFromEnv(env);
    expect(shard === undefined ? undefined : formatShard(shard)).toBe(expected);
  });

  it('names the missing count variable', () => {
    expect(() => shardFromEnv({ SLURM_ARRAY_TASK_ID: '1' })).toThrow(/SLURM_ARRAY_TASK_COUNT/);
    expect(() => shardFromEnv({ JOB_COMPLETION_INDEX: '1' })).toThrow(/JOB_COMPLETIONS/);
    expect(() => shardFromEnv({ JOB_COMPLETION_INDEX: '2', JOB_COMPLETIONS: '2' })).toThrow(/out of range/);
  });

  it('--shard wins over the environment', () => {
    expect(resolveShard('2/2', { SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_COUNT: '2' })).toMatchObject({ index: 2, source: '--shard 2/2' });
    expect(resolveShard(undefined, { SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_COUNT: '2' })).toMatchObject({ index: 1, source: 'SLURM_ARRAY_TASK_ID' });
  });
});

describe('selectShard', () => {
  it.each([1, 2, 4, 5, 18, 25])('splits 18 runs into %i disjoint, complete, round-robin parts', (n) => {
    const parts = Array.from({ length: n }, (_, i) => selectShard(plan.runs, parseShard(`${i + 1}/${n}`)));
    const ids = parts.flat().map((r) => r.id);
    expect(new Set(ids).size).toBe(plan.runs.length); // disjoint
    expect([...ids].sort()).toEqual(plan.runs.map((r) => r.id).sort()); // complete
    for (const part of parts) {
      expect(part.map((r) => r.index)).toEqual([...part.map((r) => r.index)].sort((a, b) => a - b)); // run-list order
      expect(part.length).toBeGreaterThanOrEqual(Math.floor(plan.runs.length / n)); // balanced
      expect(part.length).toBeLessThanOrEqual(Math.ceil(plan.runs.length / n));
    }
    expect(parts[0]![0]?.index).toBe(0);
  });

  it('without a shard keeps every run', () => {
    expect(selectShard(plan.runs, undefined)).toEqual(plan.runs);
  });
});
