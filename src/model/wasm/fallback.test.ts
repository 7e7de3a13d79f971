import { tf } from '../../tf.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../stats/rng.js';
import { selectBackend } from '../../train/backend.js';
import { scaledSums } from '../fused.js';
import { matMulModels } from '../ops.js';
import { bnBackwardDx, bnForwardValues, bnMoments } from '../bn/kernels.js';
import { centeredSquareMeanOver, meanOver, sumOfProductsOver, sumOver } from '../row-sums.js';
import { disableOwnKernels, ownKernelsOn, type WasmBackendParts } from './module.js';

const bits = (t: tf.Tensor): number[] => Array.from(new Uint32Array(Float32Array.from(t.dataSync() as Float32Array).buffer));

function randomTensor(rng: Rng, shape: number[]): tf.Tensor {
  const v = new Float32Array(shape.reduce((a, d) => a * d, 1));
  for (let i = 0; i < v.length; i++) v[i] = rng.normal();
  v[1] = NaN;
  return tf.tensor(v, shape);
}

/** Each op's output with bn-exp's kernels and without them (the paths where the module cannot run). */
function bothWays(f: () => tf.Tensor[]): [tf.Tensor[], tf.Tensor[]] {
  const own = f();
  disableOwnKernels(true);
  try {
    return [own, f()];
  } finally {
    disableOwnKernels(false);
  }
}

describe('where bn-exp\'s wasm kernels cannot run', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });
  afterAll(() => disableOwnKernels(false));

  it('the module runs on this machine, and can be turned off', () => {
    const backend = tf.backend() as unknown as WasmBackendParts;
    expect(ownKernelsOn(backend)).not.toBeNull();
    disableOwnKernels(true);
    expect(ownKernelsOn(backend)).toBeNull();
    disableOwnKernels(false);
  });

  it('matMuls (the backend\'s BatchMatMul on views), row sums (tfjs) and updates (JS) give the same bits', () => {
    const rng = Rng.derive(11, 'fallback');
    const a = randomTensor(rng, [3, 64, 32]) as tf.Tensor3D;
    const b = randomTensor(rng, [3, 32, 10]) as tf.Tensor3D;
    const x = randomTensor(rng, [3, 64, 10]);
    const y = randomTensor(rng, [3, 64, 10]);
    const [own, other] = bothWays(() => [
      matMulModels(a, b),
      matMulModels(tf.slice(a, [0, 0, 0], [1, 64, 32]) as tf.Tensor3D, tf.slice(b, [0, 0, 0], [1, 32, 10]) as tf.Tensor3D),
      sumOver(x, 1, true),
      meanOver(x, 1, false),
      ...scaledSums([[x, y]], [-0.1, 0.5, 2], [1, 0.3, 1]),
    ]);
    own.forEach((t, i) => expect(bits(t)).toEqual(bits(other[i]!)));
    tf.dispose([a, b, x, y, ...own, ...other]);
  });

  it("BN's passes (moments, forward, backward sums and dx) give tfjs's bits, for any number of units", () => {
    const rng = Rng.derive(12, 'fallback-bn');
    for (const shape of [[3, 64, 64], [2, 60, 17], [1, 9, 5], [64, 10], [2, 2, 7, 6]]) {
      const rows = shape.length - 2;
      const unit = [...shape.slice(0, -2), 1, shape[shape.length - 1]!];
      const x = randomTensor(rng, shape);
      const dy = randomTensor(rng, shape);
      const gamma = tf.add(randomTensor(rng, unit), 1);
      const beta = randomTensor(rng, unit);
      const [own, other] = bothWays(() => {
        const mean = meanOver(x, rows, true);
        const variance = centeredSquareMeanOver(x, mean, rows, true);
        const invStd = tf.rsqrt(tf.add(variance, 1e-3));
        const { xhat, y } = bnForwardValues(x, mean, invStd, gamma, beta);
        const dBeta = sumOver(dy, rows, true);
        const dGamma = sumOfProductsOver(dy, xhat, rows, true);
        const fused = [true, false].flatMap((keep) =>
          Object.values(bnMoments(x, keep, 1e-5, () => ({ mean: meanOver(x, rows, keep), variance: centeredSquareMeanOver(x, mean, rows, keep) }))),
        );
        return [mean, variance, invStd, xhat, y, dGamma, bnBackwardDx(dy, xhat, dBeta, dGamma, gamma, invStd, shape[rows]!), ...fused];
      });
      own.forEach((t, i) => expect(bits(t), `${shape} output ${i}`).toEqual(bits(other[i]!)));
      tf.dispose([x, dy, gamma, beta, ...own, ...other]);
    }
  });
});
