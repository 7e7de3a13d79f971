import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { jsonErrorOffset, parseText } from './parse-text.js';

describe('parseText', () => {
  it.each([
    { name: 'YAML', file: 'a.yaml', text: 'a: 1\nb: [x, y]\n', expected: { a: 1, b: ['x', 'y'] } },
    { name: 'YAML (.yml)', file: 'a.yml', text: 'a: off\n', expected: { a: 'off' } },
    { name: 'JSON', file: 'a.JSON', text: '{"a": [1, 2.5e1]}', expected: { a: [1, 25] } },
    { name: 'JSON through the YAML path', file: 'a.conf', text: '{"a": 1}', expected: { a: 1 } },
    { name: 'empty YAML', file: 'a.yaml', text: '', expected: null },
  ])('$name', ({ file, text, expected }) => {
    expect(parseText(text, file)).toEqual(expected);
  });

  it.each([
    { name: 'unclosed flow map', file: 'a.yaml', text: 'a: 1\nb: {c: 2\n', message: 'a.yaml: invalid YAML at line 3, column 1' },
    { name: 'bad indentation', file: 'a.yaml', text: 'a:\n  b: 1\n c: 2\n', message: 'a.yaml: invalid YAML at line 3, column 1: All mapping items must start at the same column' },
    { name: 'tab indentation', file: 'a.yaml', text: 'a:\n\tb: 1\n', message: 'a.yaml: invalid YAML at line 2, column 1' },
    { name: 'duplicate key', file: 'a.yaml', text: 'a: 1\na: 2\n', message: 'a.yaml: invalid YAML at line 2, column 1: Map keys must be unique' },
    { name: 'trailing comma', file: 'a.json', text: '{\n  "a": 1,\n}', message: 'a.json: invalid JSON at line 3, column 1' },
    { name: 'unquoted key', file: 'a.json', text: '{a: 1}', message: 'a.json: invalid JSON at line 1, column 2' },
    { name: 'bad literal', file: 'a.json', text: '{"a": tru}', message: 'a.json: invalid JSON at line 1, column 7' },
    { name: 'truncated', file: 'a.json', text: '{"a": [1, 2', message: 'a.json: invalid JSON at line 1, column 12: ' },
    { name: 'empty JSON', file: 'a.json', text: '', message: 'a.json: invalid JSON at line 1, column 1' },
  ])('$name', ({ file, text, message }) => {
    expect(() => parseText(text, file)).toThrow(ConfigError);
    expect(() => parseText(text, file)).toThrow(message);
  });
});

describe('jsonErrorOffset', () => {
  it.each([
    { text: '{"a": 1}', offset: -1 },
    { text: ' [1, -2.5e+3, "x\\u00e9\\n", true, null, {}] ', offset: -1 },
    { text: '[1,]', offset: 3 },
    { text: '[01]', offset: 2 },
    { text: '"a\tb"', offset: 2 }, // raw control character in a string
    { text: '"\\x"', offset: 2 },
    { text: '{"a" 1}', offset: 5 },
    { text: '1 2', offset: 2 },
    { text: '', offset: 0 },
  ])('$text -> $offset', ({ text, offset }) => {
    expect(jsonErrorOffset(text)).toBe(offset);
  });

  // Reference: JSON.parse decides validity; mutate a document one character at a time (deterministic).
  const doc = '{"name": "x", "seeds": [1, 2], "train": {"steps": 1e2, "target": {"metric": "test_acc", "value": 0.9}}, "ok": true, "n": null}';
  const chars = ['', ',', '}', ']', '"', ':', '1', 'x', ' ', '-', '.', 'e'];
  const mutants = Array.from({ length: doc.length }, (_, i) => chars.map((c) => doc.slice(0, i) + c + doc.slice(i + 1))).flat();

  it(`agrees with JSON.parse on validity for ${mutants.length} one-character mutants`, () => {
    const disagree = mutants.filter((m) => {
      let valid = true;
      try {
        JSON.parse(m);
      } catch {
        valid = false;
      }
      return valid !== (jsonErrorOffset(m) === -1);
    });
    expect(disagree).toEqual([]);
  });
});
