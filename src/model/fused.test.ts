import { tf } from '../tf.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../stats/rng.js';
import { selectBackend } from '../train/backend.js';
import { scaledSums } from './fused.js';

/** Values with every exponent range float32 has: subnormals, tiny, ordinary, huge, signed zeros. */
function spread(rng: Rng, n: number): Float32Array {
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = (rng.uniform() - 0.5) * 2 ** Math.floor(rng.uniform() * 260 - 150);
  v[0] = 0;
  v[1] = -0;
  v[2] = 1e-45;
  return v;
}

describe.each(['cpu', 'wasm'] as const)('scaledSums on %s', (backend) => {
  beforeAll(async () => {
    await selectBackend(backend);
  });

  it('is bit-identical to tf.add(tf.mul(x, a), tf.mul(y, c)) per model, and to tf.add(tf.mul(x, a), y) with c = 1', () => {
    const rng = Rng.derive(3, 'fused');
    const k = 3;
    const shapes = [
      [k, 5, 7],
      [k, 1, 7],
    ];
    const pairs = shapes.map((s) => {
      const n = s.reduce((p, q) => p * q, 1);
      return [tf.tensor(spread(rng, n), s), tf.tensor(spread(rng, n), s)] as [tf.Tensor, tf.Tensor];
    });
    const a = [-0.1, 0.99, -0.3];
    const c = a.map((v) => 1 - v);
    const aT = tf.tensor3d(a, [k, 1, 1]);
    const cT = tf.tensor3d(c, [k, 1, 1]);
    const got = scaledSums(pairs, a, c);
    const gotOne = scaledSums(pairs, a, [1, 1, 1]);
    pairs.forEach(([x, y], i) => {
      const ref = tf.add(tf.mul(x, aT), tf.mul(y, cT));
      expect(Array.from(got[i]!.dataSync())).toEqual(Array.from(ref.dataSync()));
      const refOne = tf.add(tf.mul(aT, x), y);
      expect(Array.from(gotOne[i]!.dataSync())).toEqual(Array.from(refOne.dataSync()));
    });
    // One shared value (a number in the tf ops) gives the same as a [K, 1, 1] tensor of it.
    const shared = scaledSums(pairs, [0.9, 0.9, 0.9], [0.1, 0.1, 0.1]);
    pairs.forEach(([x, y], i) => {
      expect(Array.from(shared[i]!.dataSync())).toEqual(Array.from(tf.add(tf.mul(x, 0.9), tf.mul(y, 1 - 0.9)).dataSync()));
    });
    tf.dispose([...pairs.flat(), aT, cT, ...got, ...gotOne, ...shared]);
  });
});
