import { tf } from '../tf.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../stats/rng.js';
import { selectBackend } from '../train/backend.js';
import { matMulModels, splitMatMulJoin } from './ops.js';

function randomTensor(rng: Rng, shape: [number, number, number]): tf.Tensor3D {
  const v = new Float32Array(shape[0] * shape[1] * shape[2]);
  for (let i = 0; i < v.length; i++) v[i] = rng.normal();
  return tf.tensor3d(v, shape);
}

describe.each(['cpu', 'wasm'] as const)('matMulModels of a group on %s', (backend) => {
  beforeAll(async () => {
    await selectBackend(backend);
  });

  it('is bit-identical to each model\'s own 2-D matMul, for the shapes of a step (forward, dx, dW)', () => {
    const rng = Rng.derive(5, 'group-matmul');
    for (const [k, m, n, p] of [
      [3, 64, 32, 64],
      [8, 64, 64, 10],
      [2, 7, 5, 3],
      [4, 1, 9, 1],
    ] as const) {
      const a = randomTensor(rng, [k, m, n]);
      const b = randomTensor(rng, [k, n, p]);
      const before = tf.memory().numTensors;
      const got = tf.tidy(() => matMulModels(a, b));
      expect(tf.memory().numTensors).toBe(before + 1);
      expect(got.shape).toEqual([k, m, p]);
      const ref = splitMatMulJoin(a, b);
      expect(Array.from(got.dataSync())).toEqual(Array.from(ref.dataSync()));
      for (let i = 0; i < k; i++) {
        const own = tf.matMul(tf.squeeze(tf.slice(a, [i, 0, 0], [1, m, n]), [0]) as tf.Tensor2D, tf.squeeze(tf.slice(b, [i, 0, 0], [1, n, p]), [0]) as tf.Tensor2D);
        expect(Array.from(tf.slice(got, [i, 0, 0], [1, m, p]).dataSync())).toEqual(Array.from(own.dataSync()));
      }
      tf.dispose([a, b, got, ref]);
    }
  });

  it('gives autodiff the gradients of a batched matMul', () => {
    const rng = Rng.derive(6, 'group-matmul-grad');
    const a = randomTensor(rng, [3, 4, 5]);
    const b = randomTensor(rng, [3, 5, 2]);
    const [da, db] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(matMulModels(x as tf.Tensor3D, y as tf.Tensor3D))))([a, b]);
    const [ra, rb] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(tf.matMul(x as tf.Tensor3D, y as tf.Tensor3D))))([a, b]);
    const close = (x: tf.Tensor, y: tf.Tensor) => Math.max(...Array.from(tf.abs(tf.sub(x, y)).dataSync()));
    expect(close(da!, ra!)).toBeLessThan(1e-4);
    expect(close(db!, rb!)).toBeLessThan(1e-4);
    tf.dispose([a, b, da!, db!, ra!, rb!]);
  });
});
