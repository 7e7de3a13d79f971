import { tf } from '../tf.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../train/backend.js';
import { sliceRowsOf, unstackRowsOf } from './row-slices.js';

describe('heap-direct row kernels on wasm', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('unstackRowsOf equals tf.unstack and leaks nothing', () => {
    const t = tf.tensor3d(Float32Array.from({ length: 3 * 4 * 5 }, (_, i) => i * 0.5 - 7), [3, 4, 5]);
    const before = tf.memory().numTensors;
    const ours = unstackRowsOf<tf.Tensor2D>(t);
    const ref = tf.unstack(t);
    expect(ours.map((o) => o.shape)).toEqual(ref.map((r) => r.shape));
    expect(ours.map((o) => Array.from(o.dataSync()))).toEqual(ref.map((r) => Array.from(r.dataSync())));
    tf.dispose([...ours, ...ref]);
    expect(tf.memory().numTensors).toBe(before);
    t.dispose();
  });

  it('sliceRowsOf equals tf.slice for float32 matrices and int32 vectors, at the edges too', () => {
    const m = tf.tensor2d(Float32Array.from({ length: 7 * 3 }, (_, i) => i - 10.25), [7, 3]);
    const v = tf.tensor1d(Int32Array.from({ length: 7 }, (_, i) => 100 - i), 'int32');
    const before = tf.memory().numTensors;
    for (const [start, size] of [
      [0, 7],
      [0, 1],
      [2, 4],
      [6, 1],
    ] as const) {
      const a = sliceRowsOf(m, start, size);
      const b = sliceRowsOf(v, start, size);
      const refA = tf.slice(m, [start, 0], [size, -1]);
      const refB = tf.slice(v, [start], [size]);
      expect(a.shape).toEqual([size, 3]);
      expect(Array.from(a.dataSync())).toEqual(Array.from(refA.dataSync()));
      expect(b.dtype).toBe('int32');
      expect(Array.from(b.dataSync())).toEqual(Array.from(refB.dataSync()));
      tf.dispose([a, b, refA, refB]);
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([m, v]);
  });
});
