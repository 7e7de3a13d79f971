import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { splitCsv } from './csv-records.js';
import { experimentMismatch, parseManifestInfo } from './manifest-info.js';
import { mergedText, planMerge, type ShardFolder } from './merge.js';

const RUNS = ['r0', 'r1', 'r2', 'r3'].map((id, index) => ({ id, index }));
const info = (shard: number | null, over: Partial<ReturnType<typeof parseManifestInfo>> = {}) => ({
  name: 'quick',
  axes: ['model.batchNorm'],
  runs: RUNS,
  backend: 'wasm',
  shard: shard === null ? null : { index: shard, count: 2 },
  ...over,
});

/** A shard folder holding the given runs (run k: loss k/10, wall_s `wall`). */
function folder(dir: string, ids: string[], opts: { shard?: number | null; wall?: number; loss?: (id: string) => string } = {}): ShardFolder {
  const loss = opts.loss ?? ((id) => `0.${id.slice(1)}`);
  const runs = `run_id,model.batchNorm,final_train_loss,wall_s\n${ids.map((id) => `${id},off,${loss(id)},${opts.wall ?? 1}\n`).join('')}`;
  const curves = `run_id,step,train_loss\n${ids.map((id) => `${id},0,0.7\n${id},10,${loss(id)}\n`).join('')}`;
  return {
    dir,
    info: info(opts.shard === undefined ? null : opts.shard),
    files: new Map([
      ['runs.csv', splitCsv(runs)],
      ['curves.csv', splitCsv(curves)],
    ]),
  };
}

describe('planMerge + mergedText', () => {
  it('joins two round-robin shards in run-list order', () => {
    const shards = [folder('s1', ['r0', 'r2'], { shard: 1 }), folder('s2', ['r1', 'r3'], { shard: 2 })];
    const plan = planMerge(shards);
    expect(plan.missing).toEqual([]);
    expect(plan.duplicates).toEqual([]);
    expect(plan.files).toEqual(['runs.csv', 'curves.csv']);
    expect(mergedText(shards, plan, 'runs.csv')).toBe(
      'run_id,model.batchNorm,final_train_loss,wall_s\nr0,off,0.0,1\nr1,off,0.1,1\nr2,off,0.2,1\nr3,off,0.3,1\n',
    );
    expect(mergedText(shards, plan, 'curves.csv').split('\n').slice(1, 5)).toEqual(['r0,0,0.7', 'r0,10,0.0', 'r1,0,0.7', 'r1,10,0.1']);
  });

  it('reports missing runs and keeps identical duplicates once (timing aside)', () => {
    const shards = [folder('a', ['r0', 'r2'], { wall: 1 }), folder('b', ['r2'], { wall: 9 })];
    const plan = planMerge(shards);
    expect(plan.missing).toEqual([RUNS[1], RUNS[3]]);
    expect(plan.duplicates).toEqual([{ id: 'r2', index: 2, dirs: ['a', 'b'], identical: true }]);
    expect(plan.source.get('r2')).toBe(0);
    expect(mergedText(shards, plan, 'runs.csv').split('\n').filter(Boolean)).toHaveLength(3);
  });

  it('ignores rows of a run a shard never committed (no runs.csv row)', () => {
    const s = folder('a', ['r0']);
    s.files.set('curves.csv', splitCsv('run_id,step,train_loss\nr0,0,0.7\nr1,0,0.7\n'));
    const plan = planMerge([s]);
    expect(mergedText([s], plan, 'curves.csv')).toBe('run_id,step,train_loss\nr0,0,0.7\n');
  });

  it.each([
    ['different results for one run', [folder('a', ['r0']), folder('b', ['r0'], { loss: () => '0.5' })], /different results.*r0 in a and b/s],
    ['another experiment', [folder('a', ['r0']), { ...folder('b', ['r1']), info: info(null, { runs: [...RUNS.slice(0, 3), { id: 'rX', index: 3 }] }) }], /not shards of one experiment: 1 of 4 run ids differ/],
    ['other swept axes', [folder('a', ['r0']), { ...folder('b', ['r1']), info: info(null, { axes: ['model.depth'] }) }], /swept axes/],
    ['different columns', [folder('a', ['r0']), { ...folder('b', ['r1']), files: new Map([['runs.csv', splitCsv('run_id,other\nr1,x\n')]]) }], /different columns/],
    ['a folder without runs.csv', [folder('a', ['r0']), { ...folder('b', []), files: new Map() }], /no runs\.csv/],
    ['a run outside the run list', [folder('a', ['r0', 'r9'])], /r9.*not in the experiment/],
  ])('refuses %s', (_name, shards, message) => {
    expect(() => planMerge(shards)).toThrow(UsageError);
    expect(() => planMerge(shards)).toThrow(message);
  });

  it('warns when the shards ran on different backends', () => {
    const b = folder('b', ['r1']);
    expect(planMerge([folder('a', ['r0']), { ...b, info: { ...b.info, backend: 'cpu' } }]).warnings[0]).toMatch(/wasm, cpu/);
  });
});

describe('parseManifestInfo / experimentMismatch', () => {
  it('reads the fields merge and resume need', () => {
    const m = { name: 'quick', axes: ['a'], runs: [{ id: 'x', index: 0, seed: 0, params: {} }], backend: 'wasm', shard: { index: 1, count: 2, source: '--shard 1/2' } };
    expect(parseManifestInfo(m, 'm.json')).toEqual({ name: 'quick', axes: ['a'], runs: [{ id: 'x', index: 0 }], backend: 'wasm', shard: { index: 1, count: 2 } });
    expect(parseManifestInfo({ ...m, shard: null }, 'm.json').shard).toBeNull();
  });

  it.each([
    [[], /not a JSON object/],
    [{ name: 'q', axes: [] }, /no "runs"/],
    [{ name: 'q', runs: [] }, /no "axes"/],
  ])('refuses %j', (json, message) => {
    expect(() => parseManifestInfo(json, 'm.json')).toThrow(message);
  });

  it('names the first difference', () => {
    expect(experimentMismatch(info(1), info(2))).toBeUndefined();
    expect(experimentMismatch(info(1), info(1, { name: 'other' }))).toMatch(/name/);
    expect(experimentMismatch(info(1), info(1, { runs: RUNS.slice(1) }))).toBe('4 vs 3 runs');
  });
});
