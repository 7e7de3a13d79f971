import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from './rng.js';
import { selectBackend } from '../train/backend.js';
import { bnNoise } from './bn-noise.js';

/** The same measure from tf ops (how the probes computed it before): an independent reference. */
function reference(z: tf.Tensor2D, m: number): { mean: number; variance: number } {
  return tf.tidy(() => {
    const chunks = Math.floor(z.shape[0] / m);
    const pop = tf.moments(z, 0);
    const zc = tf.reshape(tf.slice(z, 0, chunks * m), [chunks, m, z.shape[1]]);
    const batch = tf.moments(zc, 1);
    const std = (t: tf.Tensor): number =>
      tf.mean(tf.sqrt(tf.mul(tf.moments(t, 0).variance, chunks / (chunks - 1)))).dataSync()[0]!;
    return {
      mean: std(tf.div(tf.sub(batch.mean, pop.mean), tf.sqrt(pop.variance))),
      variance: std(tf.div(batch.variance, pop.variance)),
    };
  });
}

describe('BN noise on a probe set (SCIENCE.md 3.3)', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it('equals the tf.moments computation, remainder rows included in the population only', () => {
    const rng = Rng.derive(11, 'bn-noise');
    const rows = 530; // 8 batches of 64 and 18 rows left over
    const width = 5;
    const z = new Float32Array(rows * width);
    for (let i = 0; i < z.length; i++) z[i] = 3 + 2 * rng.normal() + (i % width);
    const got = bnNoise(z, rows, width, 64)!;
    const want = reference(tf.tensor2d(z, [rows, width]), 64);
    expect(got.mean).toBeCloseTo(want.mean, 5);
    expect(got.variance).toBeCloseTo(want.variance, 5);
  });

  it('shrinks like 1/sqrt(m) on Gaussian inputs, near the finite-population prediction', () => {
    const rng = Rng.derive(12, 'bn-noise');
    const rows = 8192;
    const z = new Float32Array(rows * 16);
    rng.fillNormal(z, 0, 1);
    for (const m of [16, 256]) {
      const predicted = Math.sqrt((rows - m) / (rows - 1)) / Math.sqrt(m);
      const got = bnNoise(z, rows, 16, m)!;
      expect(got.mean / predicted).toBeGreaterThan(0.85);
      expect(got.mean / predicted).toBeLessThan(1.15);
      expect(got.variance).toBeCloseTo(Math.sqrt(2 / m), 1); // σ²_B/σ² ~ χ²_{m−1}/m
    }
  });

  it('needs two batches', () => {
    expect(bnNoise(new Float32Array(10), 5, 2, 3)).toBeUndefined();
  });
});
