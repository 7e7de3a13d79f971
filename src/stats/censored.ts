import { type Interval, mean, standardError, studentTQuantile } from './describe.js';
import { rangeInterval } from './range-interval.js';

// Time-to-event numerics for steps-to-target. A run's target is checked only at evaluations, so a run
// that first meets it at step s reached it somewhere in (previous evaluation, s]: the time is
// interval-censored. A run that never meets it is right-censored at its last step. Pure.

/**
 * One run's time to the target: reached in (low, high]; a run that never reached it has
 * high = Infinity and low = its last step.
 */
export interface CensoredTime {
  low: number;
  high: number;
}

/** True when the time was observed (the target was reached). */
export function reached(t: CensoredTime): boolean {
  return Number.isFinite(t.high);
}

/**
 * Kaplan-Meier (1958) median of the event times `high` of reached runs, right-censored at `low` for
 * runs that never reached: the first time at which the estimated survival S(t) falls to 0.5 or below.
 * Infinity when S never falls that far (half or more never reached); NaN for no runs. At a tie an event
 * counts before a censoring (the usual convention).
 */
export function kaplanMeierMedian(times: readonly CensoredTime[]): number {
  if (times.length === 0) return Number.NaN;
  const items = times
    .map((t) => (reached(t) ? { at: t.high, event: true } : { at: t.low, event: false }))
    .sort((x, y) => x.at - y.at || Number(y.event) - Number(x.event));
  let atRisk = items.length;
  let survival = 1;
  let i = 0;
  while (i < items.length) {
    const at = items[i]!.at;
    let events = 0;
    let leaving = 0;
    while (i < items.length && items[i]!.at === at) {
      if (items[i]!.event) events++;
      leaving++;
      i++;
    }
    if (events > 0) survival *= 1 - events / atRisk;
    if (survival <= 0.5 + 1e-12) return at;
    atRisk -= leaving;
  }
  return Number.POSITIVE_INFINITY;
}

/**
 * Kaplan-Meier median bracket: the median computed on the upper ends (when each reached run was seen to
 * reach) and on the lower ends (the evaluation before), so the median time lies in (low, high].
 */
export function medianBracket(times: readonly CensoredTime[]): Interval {
  const lowEnds = times.map((t) => (reached(t) ? { low: t.low, high: t.low } : t));
  return { low: kaplanMeierMedian(lowEnds), high: kaplanMeierMedian(times) };
}

/**
 * CI of a mean of interval-censored positive values (reached runs only): the lower end is the
 * range-respecting (log-scale) t CI's lower end over the interval lower ends, the upper end the CI's
 * upper end over the interval upper ends. So the evaluation resolution is always inside the interval:
 * runs that all reached at the same evaluation give (that evaluation - evalEvery, that evaluation), never
 * a zero-width interval. NaN ends for fewer than 2 values.
 */
export function censoredMeanInterval(times: readonly CensoredTime[], level = 0.95): Interval {
  const obs = times.filter(reached);
  const lows = obs.map((t) => t.low);
  const highs = obs.map((t) => t.high);
  const n = obs.length;
  const low = rangeInterval(mean(lows), standardError(lows), n - 1, [0, Infinity], level).low;
  const high = rangeInterval(mean(highs), standardError(highs), n - 1, [0, Infinity], level).high;
  return { low, high };
}

/**
 * t CI of the mean of per-pair quantities known only as intervals [low_i, high_i]: the t CI's lower end
 * over the lows and its upper end over the highs (unbounded scale). A -Infinity low (or +Infinity
 * high) makes that end infinite. NaN ends for fewer than 2 pairs.
 */
export function intervalPairsMeanCi(pairs: readonly Interval[], level = 0.95): Interval {
  const n = pairs.length;
  if (n < 2) return { low: Number.NaN, high: Number.NaN };
  const q = studentTQuantile((1 + level) / 2, n - 1);
  const end = (xs: number[], sign: 1 | -1): number => {
    if (xs.some((x) => !Number.isFinite(x))) return sign * Number.POSITIVE_INFINITY;
    return mean(xs) + sign * q * standardError(xs);
  };
  return { low: end(pairs.map((p) => p.low), -1), high: end(pairs.map((p) => p.high), 1) };
}

/**
 * The sign of b - a for one pair of censored times: -1 when b's interval lies wholly before a's
 * (b.high <= a.low), +1 when wholly after, 0 when they overlap or both never reached (a tie).
 */
export function censoredSign(a: CensoredTime, b: CensoredTime): -1 | 0 | 1 {
  if (b.high <= a.low && b.high < a.high) return -1;
  if (a.high <= b.low && a.high < b.high) return 1;
  return 0;
}
