import { compareMetric } from '../analysis/compare.js';
import type { CsvRow } from '../analysis/cells.js';
import type { ContrastGroup } from './data.js';
import { fmtDiff, fmtDiffCi, fmtRatio, fmtRatioCi, fmtValue, plural } from './format.js';
import { cellPhrase } from './labels.js';
import { outcomesSplit } from './evidence.js';
import { logRatio, type RatioEstimate } from './ratio.js';

// The pieces the answer sentences are made of, each computed from the runs (pure).

/** Most comparison groups spelled out in one sentence; the table holds all of them. */
export const MAX_CLAUSES = 4;

/** How many runs an estimate rests on: `3 paired seeds`, `2 vs 3 runs, Welch`. */
export function seedsText(kind: 'paired' | 'welch', nA: number, nB: number): string {
  return kind === 'paired' ? plural(nA, 'paired seed') : `${nA} vs ${nB} runs, Welch`;
}

/** The CI part of a clause, or why there is none. */
function ciOrWhy(ok: boolean, ci: string, n: number): string {
  if (ok) return `95% CI ${ci}`;
  return n <= 1 ? 'no CI from a single seed' : 'no CI';
}

/**
 * `<what> was 87.4% with BN (before) vs 86.8% with no BN (+0.6 pp, 95% CI -3.2 to +4.4 pp, 2 paired seeds)`:
 * B - A by a paired t-test over seeds present on both sides (else Welch), from analysis/compare.
 */
export function diffClause(g: ContrastGroup, metric: string, what: string): string {
  const { test: t } = compareMetric(g, metric);
  if (t.nA === 0 || t.nB === 0) {
    const side = t.nA === 0 ? g.labelA : g.labelB;
    return `${what} cannot be compared: no run with ${side} has a value${t.kind === 'paired' ? ' for a seed the other side also ran' : ''}`;
  }
  const ci = ciOrWhy(Number.isFinite(t.ci.low), fmtDiffCi(metric, t.ci.low, t.ci.high), Math.min(t.nA, t.nB));
  return (
    `${what} was ${fmtValue(metric, t.meanB)} with ${g.labelB} vs ${fmtValue(metric, t.meanA)} with ${g.labelA} ` +
    `(${fmtDiff(metric, t.diff)}, ${ci}, ${seedsText(t.kind, t.nA, t.nB)})`
  );
}

/** A ratio turned into "x times less/more" with its CI in the same direction. */
export function ratioWords(est: RatioEstimate, less: string, more: string): { factor: number; word: string; low: number; high: number } {
  return est.ratio <= 1
    ? { factor: 1 / est.ratio, word: less, low: 1 / est.ci.high, high: 1 / est.ci.low }
    : { factor: est.ratio, word: more, low: est.ci.low, high: est.ci.high };
}

/**
 * `<what> was 4.9x smaller with BN (before) than with no BN (geometric means 0.15 vs 0.74, 95% CI of the
 * ratio 3.2-7.5, 3 paired seeds)`: a t CI on log values (ratio.ts).
 */
export function ratioClause(g: ContrastGroup, metric: string, what: string, less: string, more: string): string {
  const est = logRatio(g.a, g.b, metric, 0.95, g.evalEvery);
  if (!Number.isFinite(est.ratio)) {
    const side = est.nA === 0 ? g.labelA : g.labelB;
    return `${what} cannot be compared: no run with ${side} has a positive value`;
  }
  const w = ratioWords(est, less, more);
  const ci = ciOrWhy(Number.isFinite(w.low), `of the ratio ${fmtRatioCi(w.low, w.high)}`, Math.min(est.nA, est.nB));
  const means = `${est.kind === 'paired' && est.nA === 1 ? '' : 'geometric means '}${fmtValue(metric, est.geoB)} vs ${fmtValue(metric, est.geoA)}`;
  return `${what} was ${fmtRatio(w.factor)} ${w.word} with ${g.labelB} than with ${g.labelA} (${means}, ${ci}, ${seedsText(est.kind, est.nA, est.nB)})`;
}

/** `1 of 2 runs with no BN diverged` (and failed runs) for both sides; '' when all runs finished. */
export function statusClause(g: Pick<ContrastGroup, 'a' | 'b' | 'labelA' | 'labelB'>): string {
  const parts: string[] = [];
  for (const [runs, label] of [[g.a, g.labelA], [g.b, g.labelB]] as [CsvRow[], string][]) {
    for (const status of ['diverged', 'failed']) {
      const k = runs.filter((r) => r.status === status).length;
      if (k > 0) parts.push(`${k} of ${runs.length} runs with ${label} ${status}`);
    }
  }
  return parts.join(' and ');
}

/**
 * A group's clause joined with what happened to its runs: the diverged/failed/missed runs lead when the arms'
 * outcomes split (that is the news), else they follow the comparison.
 */
export function withStatus(g: ContrastGroup, metric: string, body: string): string {
  const status = statusClause(g);
  if (!outcomesSplit(g, metric)) return [body, status].filter(Boolean).join(', and ');
  // Say that the other arm was spared, when it was: that contrast is the headline.
  const bad = (runs: readonly CsvRow[]): number => runs.filter((r) => r.status === 'diverged' || r.status === 'failed').length;
  const spared = bad(g.a) === 0 ? { n: g.a.length, label: g.labelA } : bad(g.b) === 0 ? { n: g.b.length, label: g.labelB } : undefined;
  const none = spared && status !== '' ? ` (${spared.n === 1 ? 'not the one' : `none of the ${spared.n}`} with ${spared.label})` : '';
  return [`${status}${none}`, body].filter(Boolean).join(', and ');
}

/**
 * One clause per comparison group, prefixed with its cell (`at depth=8, ...`, `with no BN, ...`) when there is more than
 * one; at most MAX_CLAUSES in the order given (callers rank them by evidence, evidence.ts), then a pointer to `where`
 * the rest are shown.
 */
export function perGroup(
  groups: readonly ContrastGroup[],
  others: readonly string[],
  clause: (g: ContrastGroup) => string,
  where = 'the table',
): string[] {
  const shown = groups.slice(0, MAX_CLAUSES).map((g) => {
    const at = cellPhrase(g.cell, others);
    return at === '' ? clause(g) : `${at}, ${clause(g)}`;
  });
  const more = groups.length - MAX_CLAUSES;
  if (more > 0) shown.push(`${more} more ${more === 1 ? 'comparison, with a smaller difference, is' : 'comparisons, with smaller differences, are'} in ${where}`);
  return shown;
}
