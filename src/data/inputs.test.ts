import { describe, expect, it } from 'vitest';
import { InputSchema } from '../config/schema.js';
import { lognormalMoments, sampleInputs } from './inputs.js';
import { Rng } from '../stats/rng.js';
import { featureCorrelation, featureStats } from '../stats/moments.js';
import type { Split } from './split.js';

const N = 50_000;
const F = 8;

function draw(input: Record<string, unknown>, n = N, f = F, seed = 1): Split {
  const cfg = InputSchema.parse(input);
  return { x: sampleInputs(cfg, n, f, Rng.derive(seed, 'inputs-test')), y: new Int32Array(n), n, features: f };
}

const mean = (a: Float64Array): number => a.reduce((s, v) => s + v, 0) / a.length;

describe('sampleInputs', () => {
  it.each([
    { distribution: 'gaussian', skew: 0, kurt: 0 },
    { distribution: 'uniform', skew: 0, kurt: -1.2 },
    { distribution: 'laplace', skew: 0, kurt: 3 },
    // lognormal sigma = 0.5: skewness (e^s2 + 2) sqrt(e^s2 - 1) = 1.750, excess kurtosis 5.898
    { distribution: 'lognormal', skew: 1.75, kurt: 5.9 },
  ])('$distribution: every feature has the configured mean and std, and the expected shape', ({ distribution, skew, kurt }) => {
    const s = featureStats(draw({ distribution, mean: 2, scale: 3 }));
    for (let j = 0; j < F; j++) {
      expect(Math.abs((s.mean[j] as number) - 2)).toBeLessThan(0.06); // se 3/sqrt(5e4) = 0.013
      expect(Math.abs((s.std[j] as number) / 3 - 1)).toBeLessThan(0.03); // se <= 0.7% (lognormal)
    }
    // shape averaged over the 8 features (the estimators are noisy for heavy tails)
    expect(Math.abs(mean(s.skewness) - skew)).toBeLessThan(0.1 + 0.1 * skew);
    expect(Math.abs(mean(s.excessKurtosis) - kurt)).toBeLessThan(0.05 + 0.25 * Math.abs(kurt));
    if (distribution === 'lognormal') expect(Math.min(...s.skewness)).toBeGreaterThan(0.5);
    if (distribution === 'laplace') expect(Math.abs(mean(s.excessKurtosis) - 3)).toBeLessThan(0.5);
  });

  it('lognormal moments match the closed form', () => {
    // sigma = 1: mean e^0.5 = 1.6487, var (e - 1) e = 4.6708
    expect(lognormalMoments(1).mean).toBeCloseTo(1.6487212707, 9);
    expect(lognormalMoments(1).std ** 2).toBeCloseTo(4.6707742705, 9);
  });

  it('gaussian equicorrelation hits the target correlation and keeps mean/std', () => {
    const split = draw({ distribution: 'gaussian', mean: -1, scale: 0.5, correlation: 0.6 });
    let sum = 0;
    let count = 0;
    for (let i = 0; i < F; i++) {
      for (let j = i + 1; j < F; j++) {
        const r = featureCorrelation(split, i, j);
        expect(Math.abs(r - 0.6)).toBeLessThan(0.02); // se (1 - r^2)/sqrt(N) = 0.003
        sum += r;
        count++;
      }
    }
    expect(Math.abs(sum / count - 0.6)).toBeLessThan(0.01);
    const s = featureStats(split);
    expect(Math.abs(mean(s.mean) + 1)).toBeLessThan(0.02);
    expect(Math.abs(mean(s.std) - 0.5)).toBeLessThan(0.01);
  });

  it('features are uncorrelated without correlation', () => {
    const split = draw({ distribution: 'laplace' });
    expect(Math.abs(featureCorrelation(split, 0, 1))).toBeLessThan(0.02);
  });

  it('rejects correlation for non-gaussian inputs', () => {
    expect(() => draw({ distribution: 'uniform', correlation: 0.3 }, 10)).toThrow(/only supported for the gaussian/);
  });

  it('is deterministic for a stream', () => {
    expect(draw({ distribution: 'lognormal' }, 100).x).toEqual(draw({ distribution: 'lognormal' }, 100).x);
    expect(draw({ distribution: 'lognormal' }, 100).x).not.toEqual(draw({ distribution: 'lognormal' }, 100, F, 2).x);
  });
});
