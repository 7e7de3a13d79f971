import { withSteps } from '../config/resolve.js';
import type { TimedRun } from '../plan/estimate.js';
import type { RunSpec } from '../types.js';
import { runGroup, runOne, type RunData } from './run-one.js';

/** The run shortened to `steps` optimizer steps (same data, model and evaluation cadence). */
const shortened = (spec: RunSpec, steps: number): RunSpec => withSteps(spec, steps);

/**
 * Step counts of a calibration: k and 2k with k = evalEvery (at least 10), never past the run's length.
 * k is never below evalEvery: a shorter run would fail validation (evalEvery > steps) and would not pay
 * for the evaluations a real run does.
 */
export function calibrationSteps(evalEvery: number, total: number): number[] {
  const k = Math.max(10, evalEvery);
  return total <= 2 * k ? [total] : [k, 2 * k];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Times short versions of `spec` (data generation included) so that `fitTiming` can split fixed and
 * per-step cost; each length is timed `repeats` times and the median kept (single timings on a shared
 * machine varied 2.7x). With `group` (the runs `bn-exp run` trains with `spec` in one vectorized step,
 * `spec` first), the group is timed as the run trains it and each run is charged its share. Needs an
 * active backend; run one throwaway calibration first to warm kernels up. A shortened run that fails
 * throws its error: an estimate from a failure would be meaningless.
 */
export async function calibrate(spec: RunSpec, total: number, data?: RunData, repeats = 3, group: RunSpec[] = [spec]): Promise<TimedRun[]> {
  const timed: TimedRun[] = [];
  for (const steps of calibrationSteps(spec.train.evalEvery, total)) {
    const short = group.map((member) => shortened(member, steps));
    const seconds: number[] = [];
    let done = 0;
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      const results = short.length > 1 ? await runGroup(short, { data }) : [await runOne(short[0]!, { data })];
      const failed = results.find((result) => result.status === 'failed');
      if (failed) throw new Error(`calibrating run ${spec.id} (${steps} steps) failed: ${failed.error ?? 'unknown error'}`);
      seconds.push((performance.now() - t0) / 1000 / short.length);
      done = results[0]!.steps;
    }
    timed.push({ spec, steps: done, seconds: median(seconds), complete: steps === total });
  }
  return timed;
}
