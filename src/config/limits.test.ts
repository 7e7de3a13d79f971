import { describe, expect, it } from 'vitest';
import { parseExperiment } from './load.js';
import { configIssues } from '../testing/config.js';

// What cannot work is refused at validation, with the reason: folder names that escape results/, plans
// too large to hold, models too large for memory, numbers float32 cannot hold.
const FILE = 'exp.yaml';
const issuesOf = (yaml: string): string[] => configIssues(() => parseExperiment(`${yaml}\ntrain: {steps: 100, evalEvery: 10}\n`, FILE));

describe('experiment names are folder names', () => {
  it.each([['..'], ['.'], ['.hidden'], ['a/b'], ['a\\\\b'], ['x'.repeat(300)]])('refuses name %s', (name) => {
    const issues = issuesOf(`name: "${name}"`);
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0]).toMatch(/^exp\.yaml: name: /);
  });

  it('accepts ordinary names', () => {
    for (const name of ['quick', 'bn-lr_sweep.v2', '2024-runs', 'x'.repeat(100)]) expect(issuesOf(`name: "${name}"`)).toEqual([]);
  });
});

describe('huge plans are refused at validation, quickly, with the estimate', () => {
  it.each([
    ['seeds: 4294967296', 'seeds: 4294967296', /^exp\.yaml: seeds: the plan has 4\.29e9 runs \(seeds: 4294967296\); at most 1\.00e6/],
    [
      'a 10^9-run sweep',
      `seeds: 1000\nsweep:\n  train.learningRate: [${Array.from({ length: 1000 }, (_, i) => (i + 1) / 1e4).join(', ')}]\n  train.batchSize: [${Array.from({ length: 1000 }, (_, i) => i + 1).join(', ')}]`,
      /^exp\.yaml: sweep: the plan has 1\.00e9 runs \(seeds: 1000 x train\.learningRate: 1000 x train\.batchSize: 1000\)/,
    ],
  ])('%s', (_name, yaml, message) => {
    const t0 = performance.now();
    const issues = issuesOf(`name: t\n${yaml}`);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(message);
  });

  it('refuses a model whose parameters cannot fit, with its size', () => {
    const issues = issuesOf('name: t\nmodel: {width: 50000}');
    expect(issues).toEqual([expect.stringMatching(/^exp\.yaml: model\.width: a model of depth 2 and width 50000 needs about 37\.3 GiB/)]);
    expect(issuesOf('name: t\nmodel: {width: 4096}')).toEqual([]);
  });
});

describe('numbers float32 cannot hold', () => {
  it('refuses a bnEpsilon that underflows float32', () => {
    expect(issuesOf('name: t\nmodel: {bnEpsilon: 1e-40}')).toEqual([expect.stringMatching(/model\.bnEpsilon: .*1\.17549435/)]);
    expect(issuesOf('name: t\nmodel: {bnEpsilon: 1e-30}')).toEqual([]);
  });
});
