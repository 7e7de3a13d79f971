import { describe, expect, it } from 'vitest';
import type { RunSpec } from '../types.js';
import { totalSteps } from '../config/resolve.js';
import { cellKey, expandPlan, runId, seedList } from './expand.js';
import { parseExperiment } from '../config/load.js';
import type { Sections } from '../config/resolve.js';

const plan = (yaml: string, overrides: string[] = []) => expandPlan(parseExperiment(`name: t\n${yaml}`, 'exp.yaml', overrides));
const STEPS = 'train: {steps: 100}\n';

describe('expandPlan', () => {
  it.each([
    { name: 'a count', yaml: 'seeds: 3\n', seeds: [0, 1, 2] },
    { name: 'the default', yaml: '', seeds: [0] },
    { name: 'a list, in its order', yaml: 'seeds: [5, 1]\n', seeds: [5, 1] },
  ])('seeds from $name', ({ yaml, seeds }) => {
    const p = plan(STEPS + yaml);
    expect(p.seeds).toEqual(seeds);
    expect(p.runs.map((r) => r.seed)).toEqual(seeds);
  });

  it('first axis slowest, seeds innermost, indices in order', () => {
    const p = plan(`${STEPS}seeds: [7, 8]\nsweep:\n  model.width: [8, 16]\n  model.batchNorm: [off, before]\n`);
    expect(p.axes).toEqual(['model.width', 'model.batchNorm']);
    expect(p.runs.map((r) => [r.model.width, r.model.batchNorm, r.seed])).toEqual([
      [8, 'off', 7],
      [8, 'off', 8],
      [8, 'before', 7],
      [8, 'before', 8],
      [16, 'off', 7],
      [16, 'off', 8],
      [16, 'before', 7],
      [16, 'before', 8],
    ]);
    expect(p.runs.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(p.runs[2]?.params).toEqual({ 'model.width': 8, 'model.batchNorm': 'before' });
  });

  it.each([
    {
      name: 'a swept mapping gets its defaults',
      yaml: 'sweep: {data.input: [{scale: 2}]}\n',
      expected: { data: { input: { distribution: 'gaussian', mean: 0, scale: 2, sigma: 0.5, correlation: 0 } } },
    },
    {
      name: 'a swept section replaces the section',
      yaml: 'model: {width: 8}\nsweep: {model: [{depth: 3}]}\n',
      expected: { model: { depth: 3, width: 64, batchNorm: 'off' } },
    },
    {
      name: 'a swept shift',
      yaml: 'sweep: {data.shift: [{kind: mean, amount: 1}]}\n',
      expected: { data: { shift: { kind: 'mean', amount: 1, relabel: true } } },
    },
    {
      name: 'swept values leave the rest of the section alone',
      yaml: 'model: {width: 8}\nsweep: {model.depth: [3]}\n',
      expected: { model: { depth: 3, width: 8 } },
    },
  ])('$name', ({ yaml, expected }) => {
    expect(plan(STEPS + yaml).runs[0]).toMatchObject(expected);
  });

  it('ids are 10 hex chars, distinct, and stable across expansions', () => {
    const yaml = `${STEPS}seeds: 2\nsweep:\n  model.depth: [1, 2]\n  train.learningRate: [0.1, 0.01]\n`;
    const ids = plan(yaml).runs.map((r) => r.id);
    expect(ids.every((id) => /^[0-9a-f]{10}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(8);
    expect(plan(yaml).runs.map((r) => r.id)).toEqual(ids);
  });

  it('the same run gets the same id whether swept or written', () => {
    const swept = plan(`${STEPS}sweep: {model.depth: [1, 3]}\n`).runs[1];
    const written = plan(`${STEPS}model: {depth: 3}\n`).runs[0];
    expect(swept?.id).toBe(written?.id);
  });

  it('runs share no objects', () => {
    const [a, b] = plan(`${STEPS}seeds: 2\n`).runs;
    expect(a?.model).toEqual(b?.model);
    expect(a?.model).not.toBe(b?.model);
  });
});

describe('runId', () => {
  const base: Sections & { seed: number } = plan(STEPS).runs[0] as RunSpec;

  it('matches sha256 of the sorted-key JSON (reference: printf ... | sha256sum)', () => {
    const run = { seed: 7, train: { steps: 10 }, model: { depth: 2 }, data: { b: [2, { d: 'x', c: 3 }], a: 1 } };
    // printf '%s' '{"data":{"a":1,"b":[2,{"c":3,"d":"x"}]},"model":{"depth":2},"seed":7,"train":{"steps":10}}' | sha256sum
    expect(runId(run as unknown as Sections & { seed: number })).toBe('0c6dc001c4');
  });

  // Every leaf of a resolved run, mutated one at a time, must change the id.
  const leaves = (value: unknown, path: string[] = []): string[][] =>
    typeof value === 'object' && value !== null
      ? Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]))
      : [path];
  const mutate = (v: unknown): unknown => (typeof v === 'number' ? v + 1 : typeof v === 'string' ? `${v}x` : !v);
  const cases = leaves({ data: base.data, model: base.model, train: base.train, seed: base.seed }).map((p) => ({ path: p.join('.'), keys: p }));

  it.each(cases)('changing $path changes the id', ({ keys }) => {
    const changed = structuredClone(base) as unknown as Record<string, unknown>;
    let node = changed;
    for (const k of keys.slice(0, -1)) node = node[k] as Record<string, unknown>;
    const last = keys.at(-1) as string;
    node[last] = mutate(node[last]);
    expect(runId(changed as unknown as Sections & { seed: number })).not.toBe(runId(base));
  });

  it('covers the sections', () => {
    expect(cases.length).toBeGreaterThan(30);
  });
});

describe('cellKey', () => {
  it('is equal across the seeds of a cell and differs between cells', () => {
    const runs = plan(`${STEPS}seeds: 2\nsweep: {model.depth: [1, 2]}\n`).runs;
    expect(runs.map(cellKey)).toEqual(['{"model.depth":1}', '{"model.depth":1}', '{"model.depth":2}', '{"model.depth":2}']);
  });

  it('ignores key order', () => {
    expect(cellKey({ params: { b: 1, a: { y: 2, x: 1 } } })).toBe(cellKey({ params: { a: { x: 1, y: 2 }, b: 1 } }));
  });
});

describe('totalSteps', () => {
  it.each([
    { name: 'steps win', train: { steps: 30, batchSize: 64 }, trainSize: 2000, expected: 30 },
    { name: 'epochs, partial batch dropped', train: { epochs: 2, batchSize: 64 }, trainSize: 2000, expected: 62 },
    { name: 'epochs, exact batches', train: { epochs: 3, batchSize: 50 }, trainSize: 100, expected: 6 },
    { name: 'batch larger than data', train: { epochs: 3, batchSize: 200 }, trainSize: 100, expected: 0 },
  ])('$name', ({ train, trainSize, expected }) => {
    expect(totalSteps(train, trainSize)).toBe(expected);
  });
});

describe('seedList', () => {
  it.each([
    { seeds: 1, expected: [0] },
    { seeds: 4, expected: [0, 1, 2, 3] },
    { seeds: [3, 9], expected: [3, 9] },
  ])('$seeds', ({ seeds, expected }) => {
    expect(seedList(seeds)).toEqual(expected);
  });
});
