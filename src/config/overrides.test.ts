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
