import { describe, expect, it } from 'vitest';
import { parseExperiment } from './load.js';
import { ConfigError } from '../errors.js';

const BASE = `name: t
seeds: 3
data: { kind: synthetic, features: 4, trainSize: 64, testSize: 32 }
model: { depth: 2, width: 8 }
train: { steps: 10, evalEvery: 5, batchSize: 16 }
sweep:
  model.batchNorm: [off, before]
  model.depth: [2, 8]
`;
const issues = (claims: string): string => {
  try {
    parseExperiment(`${BASE}claims:\n${claims}`, 'x.yaml');
    return '';
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
};

describe('claims in a config', () => {
  it('accepts a valid claim', () => {
    expect(issues(`  - { name: a, metric: final_test_acc, compare: { model.batchNorm: [off, before] }, where: { model.depth: 8 }, difference: { atLeast: 0.05 } }\n`)).toBe('');
  });

  it('names an unknown axis with a did-you-mean', () => {
    expect(issues(`  - { name: a, metric: final_test_acc, compare: { model.batchnorm: [off, before] }, difference: { atLeast: 0 } }\n`)).toMatch(
      /x\.yaml: claims\.0\.compare: "model\.batchnorm" is not a swept axis; did you mean "model\.batchNorm"\?/,
    );
  });

  it('names an unknown level with a did-you-mean', () => {
    expect(issues(`  - { name: a, metric: final_test_acc, compare: { model.batchNorm: [off, befor] }, difference: { atLeast: 0 } }\n`)).toMatch(
      /claims\.0\.compare\.model\.batchNorm\.1: unknown level "befor" of model\.batchNorm; did you mean "before"\?/,
    );
    expect(issues(`  - { name: a, metric: final_test_acc, where: { model.depth: 6 }, value: { atLeast: 0 } }\n`)).toMatch(/claims\.0\.where\.model\.depth: unknown level "6"/);
  });

  it('needs exactly one of difference, ratio, value, and compare for a difference', () => {
    expect(issues(`  - { name: a, metric: final_test_acc, value: { atLeast: 0 }, ratio: { atMost: 1 } }\n`)).toMatch(/exactly one of difference, ratio, value/);
    expect(issues(`  - { name: a, metric: final_test_acc, difference: { atLeast: 0 } }\n`)).toMatch(/needs compare/);
    expect(issues(`  - { name: a, metric: final_test_acc, value: {} }\n`)).toMatch(/atLeast and\/or atMost/);
  });
});
