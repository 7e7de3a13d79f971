import type { TimedRun } from '../plan/estimate.js';
import type { RunSpec } from '../types.js';
import { runOne } from './run-one.js';

/** The run shortened to `steps` optimizer steps (same data, model and evaluation cadence). */
function shortened(spec: RunSpec, steps: number): RunSpec {
  return { ...spec, train: { ...spec.train, steps, epochs: undefined } };
}

/** Step counts of a calibration: k and 2k with k = evalEvery clamped to [10, 100], never past the run's length. */
export function calibrationSteps(evalEvery: number, total: number): number[] {
  const k = Math.min(100, Math.max(10, evalEvery));
  return total <= 2 * k ? [total] : [k, 2 * k];
}

/**
 * Times short versions of `spec` (data generation included) so that `fitTiming` can split fixed and
 * per-step cost. Needs an active backend; run one throwaway calibration first to warm kernels up.
 */
export async function calibrate(spec: RunSpec, total: number): Promise<TimedRun[]> {
  const timed: TimedRun[] = [];
  for (const steps of calibrationSteps(spec.train.evalEvery, total)) {
    const short = shortened(spec, steps);
    const t0 = performance.now();
    const result = await runOne(short);
    timed.push({ spec, steps: result.steps, seconds: (performance.now() - t0) / 1000, complete: steps === total });
  }
  return timed;
}
