import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';
import { didYouMean, keyHint } from './suggest.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined values, keeping array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: undefined, x: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"x":2,"z":1}]},"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });
});

describe('didYouMean / keyHint', () => {
  const keys = ['batchNorm', 'bnMomentum', 'bnEpsilon', 'depth'];
  it('suggests the closest key, an abbreviation it starts, or nothing', () => {
    expect(didYouMean('batchnrom', keys)).toBe('batchNorm');
    expect(didYouMean('bnMom', keys)).toBe('bnMomentum');
    expect(didYouMean('colour', keys)).toBeUndefined();
  });
  it('ends a message with the suggestion or the allowed keys', () => {
    expect(keyHint('dept', keys, 'model.')).toBe('; did you mean "model.depth"?');
    expect(keyHint('colour', ['a', 'b'])).toBe(' (expected one of a, b)');
  });
});
