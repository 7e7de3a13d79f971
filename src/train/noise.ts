import * as tf from '@tensorflow/tfjs';
import type { NoisyConfig } from '../config/schema.js';
import type { Rng } from '../stats/rng.js';
import type { LayerNoise, Mlp } from '../model/mlp.js';

/**
 * One step's noisy-BN noise for every hidden layer (Santurkar et al. 2018 Sec. 2.1, docs/science.md#bn-variants),
 * drawn in JS from the run's noise stream: per layer (per unit with perUnit) μ_t ~ U(−nMu, nMu) and
 * σ_t ~ U(1, nSigma), then per element shift ~ U(μ_t − meanSpread, μ_t + meanSpread) and
 * scale ~ N(σ_t, scaleStd²). The layer applies a <- scale·a + shift.
 */
export function drawNoise(mlp: Mlp, rows: number, cfg: NoisyConfig, rng: Rng): LayerNoise[] {
  return mlp.hidden.map((layer) => {
    const width = layer.w.shape[1];
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
