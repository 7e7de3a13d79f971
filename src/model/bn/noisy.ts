import { tf } from '../../tf.js';
import type { NoisyConfig } from '../../config/schema.js';
import type { Rng } from '../../stats/rng.js';
import { recorded, type Backprop } from '../ops.js';

/*
 * Noisy BN (Santurkar et al. 2018 Sec. 2.1, docs/science.md#bn-variants): noise added to each hidden layer's BN output
 * (to the pre-activation in the no-BN control), on top of whichever normalization variant runs. Its
 * per-step schedule is a fresh draw from each run's noise stream.
 */

/** Noisy-BN noise of one hidden layer for one step: a <- scale·a + shift, both [K, rows, width]. */
export interface LayerNoise {
  scale: tf.Tensor3D;
  shift: tf.Tensor3D;
}

/**
 * One model's noise for one hidden layer of `width` units, drawn in JS from `rng` into scale and shift
 * ([rows, width] each): per layer (per unit with perUnit) μ_t ~ U(−nMu, nMu) and σ_t ~ U(1, nSigma),
 * then per element shift ~ U(μ_t − meanSpread, μ_t + meanSpread) and scale ~ N(σ_t, scaleStd²).
 */
function drawLayer(width: number, rows: number, cfg: NoisyConfig, rng: Rng, scale: Float32Array, shift: Float32Array): void {
  const draws = cfg.perUnit ? width : 1;
  const mu = Float64Array.from({ length: draws }, () => -cfg.nMu + 2 * cfg.nMu * rng.uniform());
  const sigma = Float64Array.from({ length: draws }, () => 1 + (cfg.nSigma - 1) * rng.uniform());
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < width; j++) {
      const u = cfg.perUnit ? j : 0;
      shift[i * width + j] = mu[u]! - cfg.meanSpread + 2 * cfg.meanSpread * rng.uniform();
      scale[i * width + j] = sigma[u]! + cfg.scaleStd * rng.normal();
    }
  }
}

/**
 * One step's noise for K models' hidden layers of the given widths: model k's block drawn from its own
 * settings and stream (`cfgs[k]`, `rngs[k]`), layer by layer as a single run draws it.
 */
export function drawNoise(widths: number[], rows: number, cfgs: NoisyConfig[], rngs: Rng[]): LayerNoise[] {
  const k = rngs.length;
  const block = (width: number): number => rows * width;
  const scales = widths.map((w) => new Float32Array(k * block(w)));
  const shifts = widths.map((w) => new Float32Array(k * block(w)));
  rngs.forEach((rng, m) =>
    widths.forEach((w, l) => {
      const b = block(w);
      drawLayer(w, rows, cfgs[m]!, rng, scales[l]!.subarray(m * b, (m + 1) * b), shifts[l]!.subarray(m * b, (m + 1) * b));
    }),
  );
  return widths.map((w, l) => ({ scale: tf.tensor3d(scales[l]!, [k, rows, w]), shift: tf.tensor3d(shifts[l]!, [k, rows, w]) }));
}

/** a <- scale·a + shift (no noise: a unchanged); recorded on `tape` (backward: da = scale·dy). */
export function applyNoise(a: tf.Tensor3D, noise: LayerNoise | undefined, tape?: Backprop): tf.Tensor3D {
  if (!noise) return a;
  const { scale } = noise;
  return recorded({ value: tf.add(tf.mul(a, scale), noise.shift), saved: [], backward: (dy) => [tf.mul(dy, scale)] }, [], tape);
}
