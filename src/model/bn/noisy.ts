import * as tf from '@tensorflow/tfjs';
import type { NoisyConfig } from '../../config/schema.js';
import type { Rng } from '../../stats/rng.js';

/*
 * Noisy BN (Santurkar et al. 2018 Sec. 2.1, docs/science.md#bn-variants): noise added to each hidden layer's BN output
 * (to the pre-activation in the no-BN control), on top of whichever normalization variant runs. Its
 * per-step schedule is a fresh draw from the run's noise stream.
 */

/** Noisy-BN noise of one hidden layer for one step: a <- scale·a + shift, both [rows, width]. */
export interface LayerNoise {
  scale: tf.Tensor2D;
  shift: tf.Tensor2D;
}


/**
 * One step's noise for hidden layers of the given widths, drawn in JS from `rng`: per layer (per unit
 * with perUnit) μ_t ~ U(−nMu, nMu) and σ_t ~ U(1, nSigma), then per element
 * shift ~ U(μ_t − meanSpread, μ_t + meanSpread) and scale ~ N(σ_t, scaleStd²).
 */
export function drawNoise(widths: number[], rows: number, cfg: NoisyConfig, rng: Rng): LayerNoise[] {
  return widths.map((width) => {
    const draws = cfg.perUnit ? width : 1;
    const mu = Float64Array.from({ length: draws }, () => -cfg.nMu + 2 * cfg.nMu * rng.uniform());
    const sigma = Float64Array.from({ length: draws }, () => 1 + (cfg.nSigma - 1) * rng.uniform());
    const shift = new Float32Array(rows * width);
    const scale = new Float32Array(rows * width);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < width; j++) {
        const u = cfg.perUnit ? j : 0;
        shift[i * width + j] = mu[u]! - cfg.meanSpread + 2 * cfg.meanSpread * rng.uniform();
        scale[i * width + j] = sigma[u]! + cfg.scaleStd * rng.normal();
      }
    }
    return { scale: tf.tensor2d(scale, [rows, width]), shift: tf.tensor2d(shift, [rows, width]) };
  });
}

/** a <- scale·a + shift (no noise: a unchanged). */
export function applyNoise(a: tf.Tensor2D, noise: LayerNoise | undefined): tf.Tensor2D {
  return noise ? (tf.add(tf.mul(a, noise.scale), noise.shift) as tf.Tensor2D) : a;
}
