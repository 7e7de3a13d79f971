import { tf } from '../tf.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../stats/rng.js';
import { selectBackend } from '../train/backend.js';
import { matMulModels, matMulModelsTransposedA, splitMatMulJoin } from './ops.js';

/** Normal values, and with `specials` a NaN, infinities, a huge value and negative zeros among them. */
function randomTensor(rng: Rng, shape: [number, number, number], specials = false): tf.Tensor3D {
  const v = new Float32Array(shape[0] * shape[1] * shape[2]);
  for (let i = 0; i < v.length; i++) v[i] = rng.normal();
  if (specials && v.length > 40) [v[3], v[10], v[20], v[30], v[31]] = [NaN, Infinity, -Infinity, 3e38, -0];
  return tf.tensor3d(v, shape);
}

const bits = (t: tf.Tensor): number[] => Array.from(new Uint32Array(Float32Array.from(t.dataSync() as Float32Array).buffer));

/** Model i's own 2-D matMul (tf.matMul of its matrices), as a single run computes it. */
function own(a: tf.Tensor3D, b: tf.Tensor3D, i: number): tf.Tensor2D {
  const [, m, n] = a.shape;
  const p = b.shape[2];
  return tf.matMul(tf.reshape(tf.slice(a, [i, 0, 0], [1, m, n]), [m, n]) as tf.Tensor2D, tf.reshape(tf.slice(b, [i, 0, 0], [1, n, p]), [n, p]) as tf.Tensor2D);
}

/** Per-model shapes: layers of width 64 and 256, 32 inputs, 10 classes, MNIST's 784, odd sizes, a large one. */
const SHAPES = [
  [1, 64, 64, 64],
  [3, 64, 32, 64],
  [8, 64, 64, 10],
  [2, 64, 10, 64],
  [2, 60, 784, 100],
  [1, 256, 256, 256],
  [2, 7, 5, 3],
  [4, 1, 9, 1],
  [3, 13, 6, 11],
  [2, 256, 1024, 4], // large enough that the wasm kernel hands it to XNNPACK (ownGemmFaster)
] as const;

describe.each(['cpu', 'wasm'] as const)('the matMuls of a group on %s', (backend) => {
  beforeAll(async () => {
    await selectBackend(backend);
  });

  it("matMulModels is bit-identical to each model's own 2-D tf.matMul, NaN and infinities included", () => {
    const rng = Rng.derive(5, 'group-matmul');
    for (const [k, m, n, p] of SHAPES) {
      const a = randomTensor(rng, [k, m, n], true);
      const b = randomTensor(rng, [k, n, p], true);
      const before = tf.memory().numTensors;
      const got = tf.tidy(() => matMulModels(a, b));
      expect(tf.memory().numTensors).toBe(before + 1);
      expect(got.shape).toEqual([k, m, p]);
      for (let i = 0; i < k; i++) {
        const mine = tf.tidy(() => tf.reshape(tf.slice(got, [i, 0, 0], [1, m, p]), [m, p]));
        const ref = tf.tidy(() => own(a, b, i));
        expect(bits(mine)).toEqual(bits(ref));
        tf.dispose([mine, ref]);
      }
      const split = tf.tidy(() => splitMatMulJoin(a, b));
      expect(bits(got)).toEqual(bits(split));
      tf.dispose([a, b, got, split]);
    }
  });

  it('matMulModelsTransposedA (the weight gradient xᵀ·dy) is bit-identical to transposing, then multiplying', () => {
    const rng = Rng.derive(7, 'group-matmul-t');
    for (const [k, m, n, p] of SHAPES) {
      const x = randomTensor(rng, [k, n, m], true); // [K, rows, in]: xᵀ is [K, in, rows]
      const dy = randomTensor(rng, [k, n, p]);
      const got = tf.tidy(() => matMulModelsTransposedA(x, dy));
      expect(got.shape).toEqual([k, m, p]);
      const ref = tf.tidy(() => matMulModels(tf.transpose(x, [0, 2, 1]), dy));
      expect(bits(got)).toEqual(bits(ref));
      tf.dispose([x, dy, got, ref]);
    }
  });

  it('gives autodiff the gradients of a batched matMul, both forms', () => {
    const rng = Rng.derive(6, 'group-matmul-grad');
    const a = randomTensor(rng, [3, 4, 5]);
    const b = randomTensor(rng, [3, 5, 2]);
    const at = tf.transpose(a, [0, 2, 1]) as tf.Tensor3D;
    const loss = (f: (x: tf.Tensor3D, y: tf.Tensor3D) => tf.Tensor) => tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(f(x as tf.Tensor3D, y as tf.Tensor3D))));
    const [da, db] = loss(matMulModels)([a, b]);
    const [ra, rb] = loss((x, y) => tf.matMul(x, y))([a, b]);
    const [ta, tb] = loss(matMulModelsTransposedA)([at, b]);
    const [rta, rtb] = loss((x, y) => tf.matMul(x, y, true))([at, b]);
    const far = (x: tf.Tensor, y: tf.Tensor) => Math.max(...Array.from(tf.abs(tf.sub(x, y)).dataSync()));
    expect(far(da!, ra!)).toBeLessThan(1e-4);
    expect(far(db!, rb!)).toBeLessThan(1e-4);
    expect(far(ta!, rta!)).toBeLessThan(1e-4);
    expect(far(tb!, rtb!)).toBeLessThan(1e-4);
    tf.dispose([a, b, at, da!, db!, ra!, rb!, ta!, tb!, rta!, rtb!]);
  });
});
