import { describe, expect, it } from 'vitest';
import { shortValue } from './short-value.js';

describe('shortValue', () => {
  it.each([
    { name: 'string', value: 'before', expected: 'before' },
    { name: 'number', value: 0.1, expected: '0.1' },
    { name: 'mapping', value: { kind: 'mean', amount: 1 }, expected: '{"kind":"mean","amount":1}' },
    { name: 'list of named shifts', value: [{ name: 'a', kind: 'mean' }, { kind: 'scale' }], expected: '[a,scale]' },
    { name: 'long JSON', value: { description: 'x'.repeat(100) }, expected: `{"description":"${'x'.repeat(29)}...` },
  ])('$name', ({ value, expected }) => {
    expect(shortValue(value)).toBe(expected);
  });
});
