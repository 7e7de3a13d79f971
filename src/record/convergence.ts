import type { TargetConfig } from '../config/schema.js';
import type { EvalRecord } from '../types.js';
import { parseMetric } from './columns.js';


/** The value of a metric at one evaluation (NaN when the split was not evaluated). */
export function metricValue(record: EvalRecord, metric: string): number {
  const { split, kind } = parseMetric(metric);
  return record.metrics[split]?.[kind] ?? Number.NaN;
}

/**
 * Step of the first evaluation at which the target holds and still holds at the next evaluation
 * (accuracy: value >= target; loss: value <= target); null when never reached (censored).
 * Requiring a confirming evaluation filters one-off spikes, so a target first met at the last
 * evaluation counts as not reached. NaN values never meet a target.
 */
export function stepsToTarget(curve: readonly EvalRecord[], target: TargetConfig): number | null {
  const { kind } = parseMetric(target.metric);
  const holds = (r: EvalRecord): boolean => {
    const v = metricValue(r, target.metric);
    return kind === 'acc' ? v >= target.value : v <= target.value;
  };
  for (let i = 0; i + 1 < curve.length; i++) {
    const here = curve[i]!;
    if (holds(here) && holds(curve[i + 1]!)) return here.step;
  }
  return null;
}

/**
 * Time-averaged train loss: trapezoidal area under train loss vs step, divided by the step span
 * (last step - first step). Comparable across runs of different lengths; lower = faster convergence.
 * NaN with fewer than 2 points, a zero span, or any non-finite loss.
 */
export function aucTrainLoss(curve: readonly EvalRecord[]): number {
  if (curve.length < 2) return Number.NaN;
  let area = 0;
  for (let i = 1; i < curve.length; i++) {
    const a = curve[i - 1]!;
    const b = curve[i]!;
    area += ((metricValue(a, 'train_loss') + metricValue(b, 'train_loss')) / 2) * (b.step - a.step);
  }
  const span = curve[curve.length - 1]!.step - curve[0]!.step;
  return span > 0 ? area / span : Number.NaN;
}

/**
 * Divergence rule: a non-finite loss, or one above `factor * max(1, firstLoss)`.
 * @param firstLoss the first evaluated train loss of the run
 */
export function isDiverged(loss: number, firstLoss: number, factor: number): boolean {
  return !Number.isFinite(loss) || loss > factor * Math.max(1, firstLoss);
}
