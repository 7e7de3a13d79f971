import { describe, expect, it } from 'vitest';
import { parseExperiment } from './load.js';
import { configIssues } from '../testing/config.js';

const base = 'name: t\ntrain: {steps: 100, evalEvery: 10}\n';

describe('config shapes the schema would not report', () => {
  it('refuses a __proto__ sweep key instead of dropping it', () => {
    expect(configIssues(() => parseExperiment(`${base}sweep: {__proto__: [1, 2]}\n`, 'e.yaml'))).toEqual([
      'e.yaml: sweep.__proto__: not a sweep axis (a dotted path under data, model or train)',
    ]);
  });

  it('refuses 20000 keys quickly (parsing them is not quadratic: they are counted and capped)', () => {
    const keys = Array.from({ length: 20000 }, (_, i) => `  k${i}: 1`).join('\n');
    const t0 = performance.now();
    const issues = configIssues(() => parseExperiment(`${base}description: x\nextra:\n${keys}\n`, 'e.yaml'));
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(issues).toEqual(['e.yaml: more than 5000 keys; an experiment config needs far fewer (split it, or list values in arrays)']);
  });
});
