import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { applyOverrides, parseOverride, parseOverrides } from './overrides.js';

describe('parseOverride', () => {
  it.each([
    { text: 'model.depth=[2,4]', keys: ['model', 'depth'], value: [2, 4] },
    { text: 'train.learningRate=0.1', keys: ['train', 'learningRate'], value: 0.1 },
    { text: 'model.batchNorm=off', keys: ['model', 'batchNorm'], value: 'off' }, // YAML 1.2: off is a string
    { text: 'data.shift.relabel=false', keys: ['data', 'shift', 'relabel'], value: false },
    { text: 'train.target={metric: test_acc, value: 0.9}', keys: ['train', 'target'], value: { metric: 'test_acc', value: 0.9 } },
    { text: 'description=a=b', keys: ['description'], value: 'a=b' }, // split on the first "="
    { text: "description=''", keys: ['description'], value: '' },
    { text: ' model.width = 8', keys: ['model', 'width'], value: 8 },
    { text: 'sweep.model.depth=[2,4]', keys: ['sweep', 'model.depth'], value: [2, 4] }, // one sweep key
    { text: 'sweep={}', keys: ['sweep'], value: {} },
    { text: 'train.target.0.value=0.8', keys: ['train', 'target', '0', 'value'], value: 0.8 },
  ])('$text', ({ text, keys, value }) => {
    expect(parseOverride(text)).toEqual({ text, keys, value });
  });

  it.each([
    { text: 'model.depth', message: 'expected path=value' },
    { text: '~', message: 'the path after "~" is empty' },
    { text: '~train.epochs=3', message: 'takes no value' },
    { text: '=3', message: 'the path before "=" is empty' },
    { text: 'model.depth=', message: 'no value after "="' },
    { text: 'model..depth=3', message: 'empty key' },
    { text: 'model.=3', message: 'empty key' },
    { text: 'sweep.=[1]', message: 'empty key' },
    { text: 'model.depth=[2,4', message: 'not valid YAML' },
  ])('rejects $text', ({ text, message }) => {
    expect(() => parseOverride(text)).toThrow(UsageError);
    expect(() => parseOverride(text)).toThrow(message);
    expect(() => parseOverride(text)).toThrow(`--set ${JSON.stringify(text)}`);
  });
});

describe('applyOverrides', () => {
  const raw = {
    name: 't',
    model: { depth: 2, width: 8 },
    train: { target: [{ metric: 'test_acc', value: 0.9 }] },
    sweep: { 'model.depth': [1, 2], 'model.width': [8, 16], 'train.batchSize': [32] },
  };

  it.each([
    { name: 'sets a nested value', sets: ['model.width=4'], expected: { model: { depth: 2, width: 4 } } },
    { name: 'creates missing mappings', sets: ['data.input.mean=1'], expected: { data: { input: { mean: 1 } } } },
    { name: 'indexes lists', sets: ['train.target.0.value=0.5'], expected: { train: { target: [{ metric: 'test_acc', value: 0.5 }] } } },
    { name: 'later wins', sets: ['model.width=4', 'model.width=5'], expected: { model: { depth: 2, width: 5 } } },
    {
      name: 'adds a sweep axis',
      sets: ['sweep.data.trainSize=[100, 200]'],
      expected: { sweep: { ...raw.sweep, 'data.trainSize': [100, 200] } },
    },
    {
      name: 'fixing a swept path drops its axis',
      sets: ['model.depth=3'],
      expected: { model: { depth: 3, width: 8 }, sweep: { 'model.width': [8, 16], 'train.batchSize': [32] } },
    },
    {
      name: 'fixing a parent drops every axis below it',
      sets: ['model={depth: 3}'],
      expected: { model: { depth: 3 }, sweep: { 'train.batchSize': [32] } },
    },
    {
      name: 'a sibling path keeps the axis',
      sets: ['model.depthX=3'],
      expected: { sweep: raw.sweep },
    },
  ])('$name', ({ sets, expected }) => {
    const before = structuredClone(raw);
    expect(applyOverrides(raw, parseOverrides(sets))).toMatchObject(expected);
    expect(raw).toEqual(before); // not mutated
  });

  const quickLike = { name: 'q', model: { depth: 2, batchNorm: 'off' }, train: { epochs: 3, learningRate: 0.1 }, sweep: { 'train.learningRate': [0.1, 0.3] } };
  const apply = (sets: string[]) => applyOverrides(quickLike, parseOverrides(sets));

  it.each([
    { name: 'a list on a number path sweeps it', sets: ['model.depth=[2,4]'], axis: 'model.depth', levels: [2, 4] },
    { name: "Hydra's comma form sweeps it too", sets: ['model.depth=2,4'], axis: 'model.depth', levels: [2, 4] },
    { name: 'the comma form on an enum path', sets: ['model.batchNorm=off,before'], axis: 'model.batchNorm', levels: ['off', 'before'] },
    { name: 'a later list replaces an axis of the file', sets: ['train.learningRate=[0.01]'], axis: 'train.learningRate', levels: [0.01] },
  ])('$name', ({ sets, axis, levels }) => {
    const out = apply(sets) as { sweep: Record<string, unknown> };
    expect(out.sweep[axis]).toEqual(levels);
  });

  it('a list on a path that takes a list sets it (train.target), and a comma in a text path stays text', () => {
    const out = apply(['train.target=[{metric: test_acc, value: 0.9}]', 'description=a, b']) as { train: { target: unknown }; description: string; sweep: object };
    expect(out.train.target).toEqual([{ metric: 'test_acc', value: 0.9 }]);
    expect(out.description).toBe('a, b');
    expect(Object.keys(out.sweep)).toEqual(['train.learningRate']);
  });

  it('~path deletes a key and its axes; a missing key is no error', () => {
    expect(apply(['~train.epochs'])).toEqual({ ...quickLike, train: { learningRate: 0.1 } });
    expect(apply(['~train.learningRate'])).toEqual({ ...quickLike, train: { epochs: 3 }, sweep: {} });
    expect(apply(['~sweep.train.learningRate'])).toEqual({ ...quickLike, sweep: {} });
    expect(apply(['~data.trainSize'])).toEqual(quickLike);
  });

  it('train.steps replaces train.epochs and back (set or swept)', () => {
    expect(apply(['train.steps=200'])).toMatchObject({ train: { steps: 200, learningRate: 0.1 } });
    expect((apply(['train.steps=200']) as { train: object }).train).not.toHaveProperty('epochs');
    expect((apply(['train.steps=200', 'train.epochs=2']) as { train: object }).train).toEqual({ epochs: 2, learningRate: 0.1 });
    expect((apply(['train.steps=[100,200]']) as { train: object }).train).toEqual({ learningRate: 0.1 });
  });

  it('a scalar in the way is a UsageError', () => {
    expect(() => applyOverrides(raw, parseOverrides(['model.depth.x=1']))).toThrow(UsageError);
    expect(() => applyOverrides(raw, parseOverrides(['model.depth.x=1']))).toThrow('model.depth holds 2, not a mapping');
  });

  it('a __proto__ key cannot reach the prototype', () => {
    const out = applyOverrides({}, parseOverrides(['__proto__.polluted=1']));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(out)).toEqual(['__proto__']);
  });
});
