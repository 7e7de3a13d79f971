import { type CsvRow, finiteValues, num, okRuns } from '../../analysis/cells.js';
import { mean } from '../../stats/describe.js';
import { perGroup, ratioWords, seedsText } from '../clauses.js';
import { activeAxes, type ContrastGroup, headlineGroups, layoutOf, type ReportData } from '../data.js';
import { fmtRatio, fmtRatioCi, fmtValue, plural, sentence } from '../format.js';
import { targetLabel, targetOf, type TargetColumn } from '../../record/columns.js';
import { logRatio } from '../ratio.js';
import type { Section } from '../section.js';
import { statsTable } from '../tables.js';
import { cellPoints, cellPointsChart } from './points.js';

/** How a side's runs ended with respect to a target: reached, never reached (censored), diverged, failed. */
function outcome(runs: readonly CsvRow[], col: string): { n: number; reached: number[]; never: number; diverged: number; failed: number } {
  const ok = okRuns(runs);
  const reached = finiteValues(ok, col);
  return {
    n: runs.length,
    reached,
    never: ok.length - reached.length,
    diverged: runs.filter((r) => r.status === 'diverged').length,
    failed: runs.filter((r) => r.status === 'failed').length,
  };
}

/** `no BN: 2 of 3 never reached it, 1 diverged`: the runs a ratio leaves out, said out loud ('' when none). */
function censoring(runs: readonly CsvRow[], col: string, label: string): string {
  const o = outcome(runs, col);
  const parts = [
    o.never > 0 ? `${o.never} of ${o.n} never reached it` : '',
    o.diverged > 0 ? `${o.diverged} of ${o.n} diverged` : '',
    o.failed > 0 ? `${o.failed} of ${o.n} failed` : '',
  ].filter(Boolean);
  return parts.length === 0 ? '' : `${label}: ${parts.join(', ')}`;
}

/**
 * `BN (before) reached 85% test accuracy in 3.1x fewer steps than no BN (95% CI 2.4-3.9, 5 paired seeds)`:
 * the ratio of steps paired by seed over the seeds where both sides reached the target; runs that never
 * reached it (censored) or diverged are counted in the parenthesis, not hidden.
 */
export function speedClause(g: ContrastGroup, target: TargetColumn): string {
  const col = target.column;
  const what = targetLabel(target);
  const a = outcome(g.a, col);
  const b = outcome(g.b, col);
  const est = logRatio(g.a, g.b, col, 0.95, g.evalEvery);
  const at = (xs: number[]): string => `at step ${fmtValue(col, mean(xs))} on average`;
  let head: string;
  const details: string[] = [];
  if (Number.isFinite(est.ratio)) {
    const w = ratioWords(est, 'fewer', 'more'); // est.ratio = steps(B) / steps(A)
    const n = Math.min(est.nA, est.nB);
    const both = est.kind === 'paired' && n < Math.min(a.n, b.n) ? ' where both reached it' : '';
    head =
      w.word === 'fewer'
        ? `${g.labelB} reached ${what} in ${fmtRatio(w.factor)} fewer steps than ${g.labelA}`
        : `${g.labelB} needed ${fmtRatio(w.factor)} more steps than ${g.labelA} to reach ${what}`;
    const ci = Number.isFinite(w.low) ? `95% CI ${fmtRatioCi(w.low, w.high)}` : n <= 1 ? 'no CI from a single seed' : 'no CI';
    details.push(`${ci}, ${seedsText(est.kind, est.nA, est.nB)}${both}`);
  } else if (b.reached.length > 0 && a.reached.length === 0) {
    head = `only ${g.labelB} reached ${what}`;
    details.push(at(b.reached));
  } else if (a.reached.length > 0 && b.reached.length === 0) {
    head = `only ${g.labelA} reached ${what}`;
    details.push(at(a.reached));
  } else if (a.reached.length > 0 && b.reached.length > 0) {
    head = `${g.labelB} and ${g.labelA} reached ${what} at steps ${fmtValue(col, mean(b.reached))} and ${fmtValue(col, mean(a.reached))} on average`;
    details.push('never with the same seed, so no paired ratio');
  } else {
    head = `neither ${g.labelB} nor ${g.labelA} reached ${what}`;
  }
  details.push(...[censoring(g.a, col, g.labelA), censoring(g.b, col, g.labelB)].filter(Boolean));
  return details.length > 0 ? `${head} (${details.join('; ')})` : head;
}

/** Steps to each target against the swept axes, with the speed-up of the contrast as the answer. */
export function speedSection(data: ReportData): Section | undefined {
  const targets = data.runsColumns.map(targetOf).filter((t): t is TargetColumn => t !== undefined);
  const first = targets[0];
  if (!first) return undefined;
  const layout = layoutOf(data);
  const maxStep = Math.max(0, ...data.runs.map((r) => num(r.steps)).filter(Number.isFinite));
  const figures = targets.map((t) => ({
    name: `steps-${t.metric}_${t.value}`,
    caption:
      `Steps to ${targetLabel(t)} (held at two consecutive evaluations): mean over the runs that reached it, with the 95% t CI; ` +
      `k/n above a point: k of the cell's n runs reached it (the others never did, or diverged: censored, not averaged). Bars are clipped to [0, ${maxStep}] steps.`,
    spec: cellPointsChart(
      data.runs,
      cellPoints(data.runs, data.axes, t.column, layout, (c) => `${c.stats.n}/${c.runs}`, maxStep, [0, maxStep]),
      t.column,
      layout,
      `Steps to ${targetLabel(t)}`,
    ),
  }));
  let clauses: string[];
  if (layout.contrast) {
    const others = activeAxes(data).filter((a) => a !== layout.contrast?.axis);
    clauses = perGroup(headlineGroups(data, layout.contrast, first.column, { log: true }), others, (g) => speedClause(g, first));
  } else {
    const o = outcome(data.runs, first.column);
    clauses = [
      o.reached.length === 0
        ? `no run reached ${targetLabel(first)} (${plural(o.n, 'run')})`
        : `${o.reached.length} of ${o.n} runs reached ${targetLabel(first)}, at step ${fmtValue(first.column, mean(o.reached))} on average` +
          (o.diverged > 0 ? `; ${o.diverged} diverged` : ''),
    ];
  }
  return {
    id: 'speed',
    title: 'Steps to target',
    answer: sentence(clauses),
    figures,
    table: statsTable(data.runs, activeAxes(data), targets.map((t) => t.column)),
    notes: [],
  };
}
