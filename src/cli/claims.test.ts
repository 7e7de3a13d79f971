import { describe, expect, it } from 'vitest';
import { parseExperiment } from '../config/load.js';
import { ConfigError } from '../errors.js';
import { checkClaimMetrics } from './claims.js';

const config = (metric: string) =>
  parseExperiment(
    `name: t
seeds: 3
data: { kind: synthetic, features: 4, trainSize: 64, testSize: 32 }
model: { depth: 2, width: 8 }
train: { steps: 10, evalEvery: 5, batchSize: 16, target: { metric: test_acc, value: 0.8 } }
sweep: { model.batchNorm: [off, before] }
claims:
  - { name: c, metric: ${metric}, compare: { model.batchNorm: [off, before] }, difference: { atLeast: 0 } }
`,
    'x.yaml',
  );

describe('checkClaimMetrics (before a run)', () => {
  // A split name is any shift's name, so `final_tset_acc` is a column some run could write: such names are
  // checked on runs.csv after the run (test/claims.test.ts).
  it('accepts the columns the run writes, and registered columns that depend on the run', () => {
    for (const m of ['final_test_acc', 'generalization_gap', 'steps_to_test_acc_0.8', 'drift_last_layer', 'final_test_acc@population']) {
      expect(() => checkClaimMetrics(config(m), 'x.yaml')).not.toThrow();
    }
  });

  it('rejects an unknown column, or a target the config does not set, with a did-you-mean (exit 2)', () => {
    expect(() => checkClaimMetrics(config('final_test_accuracy'), 'x.yaml')).toThrow(ConfigError);
    expect(() => checkClaimMetrics(config('final_test_accuracy'), 'x.yaml')).toThrow(/x\.yaml: claims\.0\.metric: unknown metric "final_test_accuracy" in runs\.csv; did you mean "final_test_acc"\?/);
    expect(() => checkClaimMetrics(config('steps_to_test_acc_0.9'), 'x.yaml')).toThrow(/did you mean "steps_to_test_acc_0\.8"\?/);
  });
});
