import { tf } from '../tf.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelSchema } from '../config/schema.js';
import { Rng } from '../stats/rng.js';
import { buildMlp, disposeMlp } from '../model/mlp.js';
import { selectBackend } from './backend.js';
import { toEvalSet } from './evaluate.js';
import { identityReport } from './identity.js';

describe('identity report', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('BN(z) = z at every BN layer; one output for every input with batches of one, not with moving statistics', async () => {
    const rng = Rng.derive(9, 'identity');
    const mlp = buildMlp(ModelSchema.parse({ depth: 2, width: 8, batchNorm: 'after', inputBatchNorm: true }), 5, 3, rng, { kind: 'standard' });
    for (const l of mlp.hidden) l.bn!.beta.assign(tf.tensor3d(rng.fillNormal(new Float32Array(8)), [1, 1, 8])); // not all-zero logits
    const n = 64;
    const y = Int32Array.from({ length: n }, () => rng.int(3));
    const set = toEvalSet('test', { x: rng.fillNormal(new Float32Array(n * 5), 1, 2), y, n, features: 5 }, 3, n, true);
    const before = tf.memory().numTensors;
    const r = await identityReport(mlp, set);
    expect(tf.memory().numTensors).toBe(before);
    expect(r.layers.map((l) => l.name)).toEqual(['input', 'hidden 1', 'hidden 2']);
    for (const l of r.layers) expect(l.maxDiff / l.maxAbs).toBeLessThan(1e-5);
    expect(r.batchOfOne).toEqual({ spread: 0, classes: 1 });
    expect(r.moving.spread).toBeGreaterThan(0.1);
    tf.dispose([set.x, set.y, set.onehot]);
    disposeMlp(mlp);
  });
});
