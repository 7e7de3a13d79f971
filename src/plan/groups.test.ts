import { describe, expect, it } from 'vitest';
import type { RunSpec } from '../types.js';
import { expandPlan } from './expand.js';
import { parseExperiment } from '../config/load.js';
import { AUTO_VECTORIZE_MAX, autoVectorize, groupRuns, vectorGroupKey } from './groups.js';

const yaml = `
name: groups
seeds: 3
data: { features: 4, trainSize: 64, testSize: 32 }
model: { depth: 2, width: 8 }
train: { batchSize: 16, steps: 10, evalEvery: 5 }
sweep:
  model.batchNorm: [off, before]
  train.learningRate: [0.1, 0.2]
`;
const runs = (overrides: string[] = []): RunSpec[] => expandPlan(parseExperiment(yaml, 'g.yaml', overrides)).runs;

describe('vectorGroupKey', () => {
  it('ignores values (seed, learning rate, momentum, BN momentum, init, dropout) and keeps shapes', () => {
    const [a, b] = runs();
    const key = vectorGroupKey(a!)!;
    expect(key).toBeDefined();
    const same = structuredClone(b!);
    same.model = { ...a!.model, bnMomentum: 0.9, initScale: 2, dropout: 0.2, init: 'glorot' };
    same.train = { ...a!.train, learningRate: 3, momentum: 0.5, batching: 'sorted', divergeFactor: 5 };
    same.seed = 99;
    expect(vectorGroupKey(same)).toBe(key);
    for (const change of [{ width: 16 }, { depth: 3 }, { activation: 'tanh' as const }, { batchNorm: 'after' as const }]) {
      expect(vectorGroupKey({ ...a!, model: { ...a!.model, ...change } })).not.toBe(key);
    }
    expect(vectorGroupKey({ ...a!, train: { ...a!.train, optimizer: 'adam' } })).not.toBe(key);
    expect(vectorGroupKey({ ...a!, train: { ...a!.train, batchSize: 8 } })).not.toBe(key);
    expect(vectorGroupKey({ ...a!, data: { ...a!.data, trainSize: 128 } as RunSpec['data'] })).not.toBe(key);
  });

  it.each([
    ['probes', ['probes.every=5']],
    ['eval modes', ['eval.modes=[moving, population]']],
    ['noisy BN', ['model.noisyBN=true']],
    ['batch renorm', ['sweep.model.batchNorm=[before]', 'model.batchRenorm=true']],
    ['ghost BN', ['sweep.model.batchNorm=[before]', 'model.ghostBatchSize=8']],
    ['input BN', ['model.inputBatchNorm=true']],
    ['drift', ['data.drift={to: {kind: mean, amount: 1}}']],
    ['subpopulation', ['data.shift={kind: subpopulation}']],
  ])('%s: grouped with runs of the same feature, apart from runs without it', (_, overrides) => {
    const [plain] = runs();
    const [a, b] = runs(overrides);
    expect(vectorGroupKey(a!)).toBe(vectorGroupKey({ ...b!, seed: 99, train: { ...b!.train, learningRate: 7 } }));
    const what = overrides.join(' ');
    // Probes and eval modes are measured per model: they never split a group.
    if (/probes|eval/.test(what)) expect(vectorGroupKey(a!)).toBe(vectorGroupKey(plain!));
    else expect(vectorGroupKey(a!)).not.toBe(vectorGroupKey(plain!));
  });
});

describe('groupRuns', () => {
  it('groups runs of one shape in plan order, at most k per group, deterministically', () => {
    const all = runs(); // 12 runs: batchNorm x learningRate x 3 seeds
    const groups = groupRuns(all, 4);
    expect(groups.flat().map((r) => r.index).sort((x, y) => x - y)).toEqual(all.map((r) => r.index));
    for (const g of groups) {
      expect(g.length).toBeLessThanOrEqual(4);
      expect(new Set(g.map(vectorGroupKey)).size).toBe(1);
      expect(g.map((r) => r.index)).toEqual([...g.map((r) => r.index)].sort((x, y) => x - y));
    }
    // BN off (6 runs) -> 4 + 2, BN before -> 4 + 2; groups in the order of their first run
    expect(groups.map((g) => g.map((r) => r.model.batchNorm)[0])).toEqual(['off', 'off', 'before', 'before']);
    expect(groups.map((g) => g.length)).toEqual([4, 2, 4, 2]);
    expect(groupRuns(all, 4)).toEqual(groups);
  });

  it('keeps runs of another shape apart and k = 1 gives one group per run', () => {
    const mixed = [...runs(), ...runs(['model.width=16']).slice(0, 2)];
    const groups = groupRuns(mixed, 8);
    expect(groups.filter((g) => g.some((r) => r.model.width === 16))).toEqual([[mixed[12], mixed[13]]]);
    expect(groupRuns(mixed, 1)).toEqual(mixed.map((r) => [r]));
    expect(() => groupRuns(mixed, 0)).toThrow('positive integer');
  });
});

describe('autoVectorize', () => {
  it('takes the largest K that leaves a group per worker, and 1 when nothing can share a step', () => {
    const all = runs(); // 12 runs in 2 keys of 6 (batchNorm off / before)
    expect(autoVectorize(all, 1)).toBe(AUTO_VECTORIZE_MAX); // 2 groups of 6
    expect(groupRuns(all, autoVectorize(all, 1)).map((g) => g.length)).toEqual([6, 6]);
    const four = autoVectorize(all, 4);
    expect(groupRuns(all, four).length).toBeGreaterThanOrEqual(4);
    expect(groupRuns(all, four + 1).length).toBeLessThan(4);
    expect(autoVectorize([all[0]!, runs(['model.width=16'])[0]!], 1)).toBe(1); // no two runs of one shape
    expect(autoVectorize(all.slice(0, 1), 2)).toBe(1);
  });
});
