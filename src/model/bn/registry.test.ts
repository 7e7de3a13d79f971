import { tf } from '../../tf.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelSchema } from '../../config/schema.js';
import { bnChoiceOf } from '../../config/resolve.js';
import { Rng } from '../../stats/rng.js';
import { maxAbsDiff, randn } from '../../testing/numeric.js';
import { selectBackend } from '../../train/backend.js';
import { buildMlp, disposeMlp, forwardTrain } from '../mlp.js';
import { bnVariantOf, BN_VARIANT_NAMES } from './registry.js';

describe('BN variant registry', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it('resolves each config to one variant, with its rows per statistic', () => {
    const of = (m: object) => {
      const config = ModelSchema.parse({ batchNorm: 'before', ...m });
      return bnVariantOf([config], bnChoiceOf(config));
    };
    expect(BN_VARIANT_NAMES).toEqual(['renorm', 'ghost', 'standard']);
    expect(of({}).name).toBe('standard');
    expect(of({}).statRows(64)).toBe(64);
    expect(of({ ghostBatchSize: 16 }).name).toBe('ghost');
    expect(of({ ghostBatchSize: 16 }).statRows(64)).toBe(16);
    expect(of({ batchRenorm: true }).name).toBe('renorm');
    expect(of({ batchRenorm: true }).readsMoving).toBe(true);
    expect(of({ ghostBatchSize: 16 }).readsMoving).toBe(false);
  });

  it('Batch Renorm follows the step it is given (no model state): plain BN in warm-up, clipped r, d after the ramp', () => {
    const config = ModelSchema.parse({ depth: 1, width: 6, batchNorm: 'before', batchRenorm: { warmupSteps: 5, rampSteps: 10 } });
    const mlp = buildMlp(config, 3, 2, Rng.derive(1, 'init'), bnChoiceOf(config));
    const plain = buildMlp({ ...config, batchRenorm: false }, 3, 2, Rng.derive(1, 'init'), { kind: 'standard' });
    // Moving statistics far from the batch's: r and d clip at their limits once the ramp is over.
    const bn = mlp.hidden[0]!.bn!;
    bn.movingMean.assign(tf.fill([1, 1, 6], 3) as tf.Tensor3D);
    bn.movingVar.assign(tf.fill([1, 1, 6], 9) as tf.Tensor3D);
    const x = tf.tensor2d(randn(Rng.derive(2, 'x'), 32 * 3), [32, 3]);
    const out = (m: typeof mlp, step?: number): Float32Array => tf.tidy(() => forwardTrain(m, x, { step }).dataSync() as Float32Array);
    const reference = out(plain);
    expect(maxAbsDiff(out(mlp, 0), reference)).toBe(0);
    expect(maxAbsDiff(out(mlp, 4), reference)).toBe(0);
    const late = out(mlp, 20);
    expect(maxAbsDiff(late, reference)).toBeGreaterThan(1e-3);
    expect(Array.from(out(mlp, 20))).toEqual(Array.from(late)); // a function of the step alone
    expect(() => out(mlp)).toThrow(/step index/);
    tf.dispose(x);
    disposeMlp(mlp);
    disposeMlp(plain);
  });
});
