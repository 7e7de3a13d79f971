import { tf } from '../tf.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../stats/rng.js';
import { selectBackend } from '../train/backend.js';
import { meanOver, sumOver } from './row-sums.js';

const bits = (t: tf.Tensor): number[] => Array.from(new Uint32Array(Float32Array.from(t.dataSync() as Float32Array).buffer));

function values(rng: Rng, n: number): Float32Array {
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = rng.normal() * 2 ** Math.floor(rng.uniform() * 20 - 10);
  if (n > 40) [v[3], v[10], v[20], v[30], v[31]] = [NaN, Infinity, -Infinity, 3e38, -0];
  return v;
}

describe.each(['cpu', 'wasm'] as const)('sums and means over rows on %s', (backend) => {
  beforeAll(async () => {
    await selectBackend(backend);
  });

  it('are bit-identical to tf.sum and tf.mean over that axis, kept or not, NaN and infinities included', () => {
    const rng = Rng.derive(8, 'row-sums');
    for (const shape of [[8, 64, 64], [1, 64, 10], [3, 7, 5], [64, 64], [2, 3, 9, 21], [4, 60, 1], [1, 1, 3]]) {
      const x = tf.tensor(values(rng, shape.reduce((a, d) => a * d, 1)), shape);
      const axis = shape.length - 2;
      for (const keep of [true, false]) {
        const got = [sumOver(x, axis, keep), meanOver(x, axis, keep)];
        const ref = [tf.sum(x, axis, keep), tf.mean(x, axis, keep)];
        got.forEach((g, i) => {
          expect(g.shape).toEqual(ref[i]!.shape);
          expect(bits(g)).toEqual(bits(ref[i]!));
        });
        tf.dispose([...got, ...ref]);
      }
      // Another axis falls back to tf.sum / tf.mean.
      const other = [sumOver(x, 0, true), tf.sum(x, 0, true)];
      expect(bits(other[0]!)).toEqual(bits(other[1]!));
      tf.dispose([x, ...other]);
    }
  });

  it('have the gradients of tf.sum and tf.mean', () => {
    const rng = Rng.derive(9, 'row-sums-grad');
    const x = tf.tensor(values(rng, 2 * 5 * 3), [2, 5, 3]);
    const w = tf.tensor(values(rng, 2 * 1 * 3), [2, 1, 3]);
    for (const keep of [true, false]) {
      const f = (op: typeof sumOver) => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(op(t, 1, keep), keep ? w : tf.squeeze(w, [1]))));
      expect(bits(f(sumOver)(x))).toEqual(bits(f((t, a, k) => tf.sum(t, a, k))(x)));
      expect(bits(f(meanOver)(x))).toEqual(bits(f((t, a, k) => tf.mean(t, a, k))(x)));
    }
    tf.dispose([x, w]);
  });
});
