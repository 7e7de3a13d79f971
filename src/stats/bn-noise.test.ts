import { tf } from '../tf.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from './rng.js';
import { selectBackend } from '../train/backend.js';
import { bnNoise } from './bn-noise.js';

/** The same measure from tf ops (how the probes computed it before): an independent reference. */
function reference(z: tf.Tensor2D, m: number): { mean: number; variance: number } {
  return tf.tidy(() => {
    const chunks = Math.floor(z.shape[0] / m);
    const used = tf.slice(z, 0, chunks * m); // the chunks partition the set: the remainder is left out
    const pop = tf.moments(used, 0);
    const zc = tf.reshape(used, [chunks, m, z.shape[1]]);
    const batch = tf.moments(zc, 1);
    // Root of the mean over units of the Bessel-corrected variance over chunks.
    const rms = (t: tf.Tensor): number => Math.sqrt(tf.mean(tf.mul(tf.moments(t, 0).variance, chunks / (chunks - 1))).dataSync()[0]!);
    return {
      mean: rms(tf.div(tf.sub(batch.mean, pop.mean), tf.sqrt(pop.variance))),
      variance: rms(tf.div(batch.variance, pop.variance)),
    };
  });
}

describe('BN noise on a probe set (docs/science.md#bn-noise)', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it('equals the tf.moments computation, remainder rows left out', () => {
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

  it('is 1/sqrt(m) on i.i.d. Gaussian inputs with no finite-population factor, even with 4 chunks', () => {
    // 4 chunks is where a second correction sqrt((N − m)/(N − 1)) would show most: 13% low.
    const rng = Rng.derive(12, 'bn-noise');
    const width = 512;
    for (const m of [8, 32]) {
      const rows = 4 * m;
      const z = new Float32Array(rows * width);
      rng.fillNormal(z, 0, 1);
      const got = bnNoise(z, rows, width, m)!;
      expect(got.mean * Math.sqrt(m)).toBeGreaterThan(0.94);
      expect(got.mean * Math.sqrt(m)).toBeLessThan(1.06);
      // σ²_chunk/σ² ~ χ²_{m−1}/m: std sqrt(2(m − 1))/m.
      expect(got.variance / (Math.sqrt(2 * (m - 1)) / m)).toBeGreaterThan(0.9);
      expect(got.variance / (Math.sqrt(2 * (m - 1)) / m)).toBeLessThan(1.1);
    }
  });

  it('skips constant units instead of returning NaN', () => {
    const rng = Rng.derive(13, 'bn-noise');
    const z = new Float32Array(64 * 3);
    for (let i = 0; i < 64; i++) {
      z[i * 3] = rng.normal();
      z[i * 3 + 1] = 0; // a dead unit
      z[i * 3 + 2] = rng.normal();
    }
    const got = bnNoise(z, 64, 3, 16)!;
    const alone = bnNoise(Float32Array.from({ length: 64 * 2 }, (_, k) => z[Math.floor(k / 2) * 3 + (k % 2) * 2]!), 64, 2, 16)!;
    expect(got.mean).toBeCloseTo(alone.mean, 12);
  });

  it('needs two batches', () => {
    expect(bnNoise(new Float32Array(10), 5, 2, 3)).toBeUndefined();
  });
});
