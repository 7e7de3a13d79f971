import type { ModelConfig } from '../config/schema.js';
import type { Rng } from '../stats/rng.js';

/**
 * Initial weights of a fanIn x fanOut matrix, drawn in JS from our seeded RNG (tfjs initializers have
 * ignored seeds in the past), so init is identical on every backend.
 * he: N(0, gain² · 2/fanIn); glorot: U(±gain·sqrt(6/(fanIn+fanOut))); normal: N(0, initScale²).
 */
export function initWeights(
  model: Pick<ModelConfig, 'init' | 'initScale'>,
  fanIn: number,
  fanOut: number,
  rng: Rng,
): Float32Array {
  const w = new Float32Array(fanIn * fanOut);
  switch (model.init) {
    case 'he':
      rng.fillNormal(w, 0, (model.initScale ?? 1) * Math.sqrt(2 / fanIn));
      break;
    case 'glorot': {
      const limit = (model.initScale ?? 1) * Math.sqrt(6 / (fanIn + fanOut));
      rng.fillUniform(w, -limit, limit);
      break;
    }
    case 'normal':
      rng.fillNormal(w, 0, model.initScale ?? 0.1);
      break;
    default:
      throw new Error(`unsupported init ${String(model.init satisfies never)}`);
  }
  return w;
}
