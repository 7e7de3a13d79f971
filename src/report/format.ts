// Numbers and names as the report prints them (pure). Accuracies are printed as percentages, their
// differences in percentage points; everything else with 3 significant digits. What a column is comes
// from the column registry.
import { columnInfo, isAccuracy, isSteps } from '../record/columns.js';

/** `x` with `digits` significant digits, trailing zeros dropped; '-' for NaN. */
export function sig(x: number, digits = 3): string {
  if (Number.isNaN(x)) return '-';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x !== 0 && Math.abs(x) < 1e-3) return x.toExponential(digits - 1);
  return String(Number(x.toPrecision(digits)));
}

/**
 * How a metric is printed in sentences and tables (one convention per metric, from the registry's kind):
 * accuracies in percent, differences of accuracies (the train-test gap) in percentage points; else as measured.
 */
export function displayUnit(metric: string): { scale: number; unit: '%' | 'pp' | '' } {
  const kind = columnInfo(metric)?.kind;
  if (kind === 'accuracy') return { scale: 100, unit: '%' };
  if (kind === 'gap') return { scale: 100, unit: 'pp' };
  return { scale: 1, unit: '' };
}

/** A value of `metric`: '87.4%' for accuracies, '+3.7 pp' for the train-test gap, '150' for steps, '0.123' otherwise. */
export function fmtValue(metric: string, x: number): string {
  if (Number.isNaN(x)) return '-';
  if (isAccuracy(metric)) return `${(100 * x).toFixed(1)}%`;
  if (displayUnit(metric).unit === 'pp') return fmtDiff(metric, x);
  if (isSteps(metric)) return String(Math.round(x));
  return sig(x);
}

/** A signed difference of `metric`: '+1.2 pp' for accuracies (and the train-test gap), '-0.034' otherwise. */
export function fmtDiff(metric: string, d: number): string {
  if (Number.isNaN(d)) return '-';
  const sign = d > 0 ? '+' : d < 0 ? '-' : '';
  if (isAccuracy(metric) || columnInfo(metric)?.kind === 'gap') return `${sign}${(100 * Math.abs(d)).toFixed(1)} pp`;
  return `${sign}${sig(Math.abs(d))}`;
}

/** The two ends of a CI of a difference, 'a to b' in the metric's unit. */
export function fmtDiffCi(metric: string, low: number, high: number): string {
  return `${fmtDiff(metric, low)} to ${fmtDiff(metric, high)}`;
}

/** A ratio as '3.1x' (one decimal from 1 to 10, whole numbers above, two significant digits below 1). */
export function fmtRatio(r: number): string {
  if (!Number.isFinite(r)) return '-';
  if (r >= 10) return `${Math.round(r)}x`;
  return r >= 1 ? `${r.toFixed(1)}x` : `${sig(r, 2)}x`;
}

/**
 * A ratio's CI as '2.4-3.9'. An unbounded end (a target reached by the first evaluation is known only to
 * within (0, evalEvery], so its ratio can be arbitrarily large) reads 'at least 1.0' or 'at most 3.9'.
 */
export function fmtRatioCi(low: number, high: number): string {
  const end = (r: number): string => fmtRatio(r).slice(0, -1);
  if (!Number.isFinite(high)) return `at least ${end(low)}`;
  if (!(low > 0)) return `at most ${end(high)}`;
  return `${end(low)}-${end(high)}`;
}

/** A count with its noun, pluralised: '1 seed', '3 seeds'. */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** First letter upper-cased. */
export function capitalize(s: string): string {
  return s.length === 0 ? s : s[0]!.toUpperCase() + s.slice(1);
}

/** Clauses joined into one sentence with '; ', capitalised and ended with a full stop. */
export function sentence(clauses: readonly string[]): string {
  const text = clauses.filter((c) => c.length > 0).join('; ');
  return text.length === 0 ? '' : `${capitalize(text)}${/[.!?]$/.test(text) ? '' : '.'}`;
}
