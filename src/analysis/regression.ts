import { betterDirection, curveMetricColumns, isStepsToColumn } from '../record/columns.js';
import { cellLabel, type CsvRow, finiteValues, groupCells, num, okRuns, type ResultTables } from './cells.js';
import { curvesByCellAndStep } from './seed-summary.js';
import { mean, std } from '../stats/describe.js';

// `bn-exp check`: does a candidate result set converge as well as a recorded baseline? The baseline's
// seeds define a band per cell, metric and evaluation step: mean +- max(k*std, atol, rtol*|mean|). The
// candidate's mean over its seeds is compared with that band; a curve fails only when it is outside
// in its bad direction (loss up, accuracy down) at more than `fraction` of the evaluation points it
// shares with the baseline (a sustained departure, not a blip). Steps-to-target are one value per run
// (censored runs count as their last step, a lower bound) with one more floor: one evaluation interval.
// Departures in the good direction are reported as improvements, never failures. Pure.

/** Tolerances of a check. */
export interface CheckPolicy {
  /** Band half-width in baseline standard deviations (over seeds). */
  k: number;
  /** Floor of the half-width, in the metric's units. */
  atol: number;
  /** Floor of the half-width, relative to |baseline mean|. */
  rtol: number;
  /** A curve fails when it is outside its band (bad side) at more than this fraction of its points. */
  fraction: number;
}

/** Defaults of `bn-exp check`. */
export const DEFAULT_POLICY: CheckPolicy = { k: 3, atol: 0.01, rtol: 0.05, fraction: 0.25 };

/** A tolerance band around the baseline mean. */
export interface Band {
  n: number;
  mean: number;
  /** NaN below 2 baseline values (the floors alone set the width then). */
  std: number;
  half: number;
  low: number;
  high: number;
}

/** Band of baseline values: mean +- max(k*std, atol, rtol*|mean|, floor). */
export function bandOf(values: readonly number[], policy: CheckPolicy, floor = 0): Band {
  const m = mean(values);
  const s = std(values);
  const half = Math.max(Number.isNaN(s) ? 0 : policy.k * s, policy.atol, policy.rtol * Math.abs(m), floor);
  return { n: values.length, mean: m, std: s, half, low: m - half, high: m + half };
}

/** One candidate value against its band; `beyond` is how far past the edge it lies (+ = bad side). */
export interface Point {
  step: number;
  value: number;
  band: Band;
  beyond: number;
}

/** What the check found for one cell and metric. */
export interface Finding {
  cell: Record<string, string>;
  /** A curves.csv metric, a steps_to_* column, or `diverged` (diverged or failed runs). */
  metric: string;
  kind: 'curve' | 'steps' | 'runs';
  outcome: 'regressed' | 'improved' | 'ok';
  /** Points compared (evaluation steps for curves, 1 otherwise). */
  points: number;
  worse: Point[];
  better: Point[];
  /** Human-readable explanation (what, where, by how much). */
  text: string;
}

/** The check's result: findings, or the reasons the inputs cannot be compared. */
export interface CheckReport {
  policy: CheckPolicy;
  /** Non-empty: the inputs are unusable (different experiment, missing cells or metrics). */
  unusable: string[];
  notes: string[];
  findings: Finding[];
}

/** Signed distance past the band edge on the bad side (> 0 = worse than the band allows). */
function pastBadEdge(value: number, band: Band, metric: string): number {
  return betterDirection(metric) === 'higher' ? band.low - value : value - band.high;
}

/** Signed distance past the band edge on the good side (> 0 = better than the band). */
function pastGoodEdge(value: number, band: Band, metric: string): number {
  return betterDirection(metric) === 'higher' ? value - band.high : band.low - value;
}

const fmt = (x: number): string => (Number.isFinite(x) ? String(Number(x.toPrecision(3))) : String(x));

/** Runs of listed steps as ranges over the compared steps, e.g. "20-100, 140". */
export function stepRanges(steps: readonly number[], all: readonly number[]): string {
  const idx = steps.map((s) => all.indexOf(s)).sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && idx[j + 1] === idx[j]! + 1) j++;
    parts.push(i === j ? String(all[idx[i]!]) : `${all[idx[i]!]}-${all[idx[j]!]}`);
    i = j + 1;
  }
  return parts.join(', ');
}

function describePoint(p: Point, metric: string, side: 'bad' | 'good'): string {
  const dir = betterDirection(metric) === 'higher' ? (side === 'bad' ? 'below' : 'above') : side === 'bad' ? 'above' : 'below';
  const dist = side === 'bad' ? p.beyond : pastGoodEdge(p.value, p.band, metric);
  const rel = p.band.mean !== 0 ? ` (${p.value >= p.band.mean ? '+' : ''}${fmt((100 * (p.value - p.band.mean)) / Math.abs(p.band.mean))}% vs the baseline mean)` : '';
  return `${fmt(p.value)} vs baseline ${fmt(p.band.mean)} ± ${fmt(p.band.half)} [${fmt(p.band.low)}, ${fmt(p.band.high)}]: ${fmt(dist)} ${dir} the band${rel}`;
}

function judge(worse: number, better: number, points: number, policy: CheckPolicy): Finding['outcome'] {
  if (worse / points > policy.fraction) return 'regressed';
  if (better / points > policy.fraction) return 'improved';
  return 'ok';
}

function checkCurve(
  cell: Record<string, string>,
  metric: string,
  base: Map<number, CsvRow[]>,
  cand: Map<number, CsvRow[]>,
  policy: CheckPolicy,
): Finding | null {
  const pts: Point[] = [];
  for (const [step, rows] of base) {
    const values = finiteValues(rows, metric);
    const candValues = finiteValues(cand.get(step) ?? [], metric);
    if (values.length === 0 || candValues.length === 0) continue;
    const band = bandOf(values, policy);
    const value = mean(candValues);
    pts.push({ step, value, band, beyond: pastBadEdge(value, band, metric) });
  }
  if (pts.length === 0) return null; // no ok run on one side: the `diverged` finding covers it
  const worse = pts.filter((p) => p.beyond > 0);
  const better = pts.filter((p) => pastGoodEdge(p.value, p.band, metric) > 0);
  const outcome = judge(worse.length, better.length, pts.length, policy);
  const all = pts.map((p) => p.step);
  let text = `${metric}: within the baseline band at ${pts.length - worse.length - better.length}/${pts.length} evaluations`;
  if (outcome === 'regressed' || (outcome === 'ok' && worse.length > 0)) {
    const worst = worse.reduce((a, b) => (b.beyond / b.band.half > a.beyond / a.band.half ? b : a));
    const side = betterDirection(metric) === 'higher' ? 'below' : 'above';
    text = `${metric}: ${side} the baseline band at ${worse.length}/${pts.length} evaluations (steps ${stepRanges(worse.map((p) => p.step), all)}); worst at step ${worst.step}: ${describePoint(worst, metric, 'bad')}`;
    if (outcome === 'ok') text += ` (not sustained: at most ${policy.fraction * 100}% of points may be outside)`;
  } else if (outcome === 'improved') {
    const best = better.reduce((a, b) => (pastGoodEdge(b.value, b.band, metric) > pastGoodEdge(a.value, a.band, metric) ? b : a));
    text = `${metric}: better than the baseline band at ${better.length}/${pts.length} evaluations (steps ${stepRanges(better.map((p) => p.step), all)}); most at step ${best.step}: ${describePoint(best, metric, 'good')}`;
  }
  return { cell, metric, kind: 'curve', outcome, points: pts.length, worse, better, text };
}

/** A run's steps-to-target: the step reached, or for a censored run its last step (a lower bound). */
function stepsValue(run: CsvRow, column: string): number {
  const v = num(run[column]);
  return Number.isFinite(v) ? v : num(run.steps);
}

function checkSteps(cell: Record<string, string>, column: string, base: CsvRow[], cand: CsvRow[], interval: number, policy: CheckPolicy): Finding | null {
  const b = okRuns(base);
  const c = okRuns(cand);
  const bv = b.map((r) => stepsValue(r, column)).filter(Number.isFinite);
  const cv = c.map((r) => stepsValue(r, column)).filter(Number.isFinite);
  if (bv.length === 0 || cv.length === 0) return null;
  const band = bandOf(bv, policy, interval);
  const value = mean(cv);
  const p: Point = { step: Number.NaN, value, band, beyond: pastBadEdge(value, band, column) };
  const censored = (runs: CsvRow[]): number => runs.filter((r) => (r[column] ?? '').trim() === '').length;
  const never = `target never reached by ${censored(c)}/${c.length} runs (baseline ${censored(b)}/${b.length}; counted as their last step)`;
  const isBetter = pastGoodEdge(value, band, column) > 0;
  const outcome = p.beyond > 0 ? 'regressed' : isBetter ? 'improved' : 'ok';
  const text =
    outcome === 'ok'
      ? `${column}: ${fmt(value)} within the baseline band ${fmt(band.mean)} ± ${fmt(band.half)}`
      : `${column}: mean ${describePoint(p, column, outcome === 'regressed' ? 'bad' : 'good')}; ${never}`;
  return { cell, metric: column, kind: 'steps', outcome, points: 1, worse: p.beyond > 0 ? [p] : [], better: isBetter ? [p] : [], text };
}

function checkDiverged(cell: Record<string, string>, base: CsvRow[], cand: CsvRow[]): Finding {
  const bad = (runs: CsvRow[]): number => runs.filter((r) => r.status !== 'ok').length;
  const share = (runs: CsvRow[]): number => bad(runs) / runs.length;
  const outcome = share(cand) > share(base) ? 'regressed' : share(cand) < share(base) ? 'improved' : 'ok';
  const text = `diverged or failed runs: ${bad(cand)}/${cand.length} (baseline ${bad(base)}/${base.length})`;
  return { cell, metric: 'diverged', kind: 'runs', outcome, points: 1, worse: [], better: [], text };
}

/** Smallest gap between successive evaluation steps (0 when unknown). */
function evalInterval(steps: Iterable<number>): number {
  const s = [...steps].sort((a, b) => a - b);
  let gap = Number.POSITIVE_INFINITY;
  for (let i = 1; i < s.length; i++) if (s[i]! > s[i - 1]!) gap = Math.min(gap, s[i]! - s[i - 1]!);
  return Number.isFinite(gap) ? gap : 0;
}

/** Check a candidate result set against a baseline (see the file comment for the rule). */
export function checkAgainstBaseline(baseline: ResultTables, candidate: ResultTables, policy: CheckPolicy = DEFAULT_POLICY): CheckReport {
  const report: CheckReport = { policy, unusable: [], notes: [], findings: [] };
  const { unusable, notes } = report;
  if (baseline.name !== candidate.name) unusable.push(`different experiment: the baseline is "${baseline.name}", the results are "${candidate.name}"`);
  const sameAxes = baseline.axes.length === candidate.axes.length && baseline.axes.every((a) => candidate.axes.includes(a));
  if (!sameAxes) unusable.push(`different sweep: the baseline sweeps ${baseline.axes.join(', ') || 'nothing'}, the results ${candidate.axes.join(', ') || 'nothing'}`);
  if (unusable.length > 0) return report;

  const axes = baseline.axes;
  const baseColumns = Object.keys(baseline.curves[0] ?? {});
  const candColumns = new Set(Object.keys(candidate.curves[0] ?? {}));
  const curveMetrics = curveMetricColumns(baseColumns);
  const missingCurve = curveMetrics.filter((m) => !candColumns.has(m));
  if (missingCurve.length > 0) unusable.push(`curves.csv lacks ${missingCurve.join(', ')} (in the baseline)`);
  const stepsColumns = Object.keys(baseline.runs[0] ?? {}).filter(isStepsToColumn);
  const candRunColumns = new Set(Object.keys(candidate.runs[0] ?? {}));
  const missingSteps = stepsColumns.filter((c) => !candRunColumns.has(c));
  if (missingSteps.length > 0) unusable.push(`runs.csv lacks ${missingSteps.join(', ')} (different targets than the baseline)`);

  const candCells = new Map(groupCells(candidate.runs, axes).map((c) => [c.key, c]));
  const baseCells = groupCells(baseline.runs, axes);
  const missing = baseCells.filter((c) => !candCells.has(c.key)).map((c) => cellLabel(c.params));
  if (missing.length > 0) unusable.push(`cells of the baseline missing from the results: ${missing.join('; ')}`);
  const baseKeys = new Set(baseCells.map((c) => c.key));
  const extra = groupCells(candidate.runs, axes).filter((c) => !baseKeys.has(c.key));
  if (extra.length > 0) notes.push(`not in the baseline, not checked: ${extra.map((c) => cellLabel(c.params)).join('; ')}`);
  if (unusable.length > 0) return report;

  const baseCurves = new Map(curvesByCellAndStep(baseline.runs, baseline.curves, axes).map((c) => [c.key, c.steps]));
  const candCurves = new Map(curvesByCellAndStep(candidate.runs, candidate.curves, axes).map((c) => [c.key, c.steps]));
  const allSteps = (set: ResultTables, runs: CsvRow[]): Set<number> => {
    const ids = new Set(runs.map((r) => r.run_id));
    return new Set(set.curves.filter((c) => ids.has(c.run_id)).map((c) => num(c.step)));
  };
  for (const cell of baseCells) {
    const cand = candCells.get(cell.key)!;
    const label = cellLabel(cell.params);
    const bSteps = allSteps(baseline, cell.runs);
    const cSteps = allSteps(candidate, cand.runs);
    if (curveMetrics.length > 0 && bSteps.size > 0 && ![...bSteps].some((s) => cSteps.has(s))) {
      unusable.push(`${label}: no evaluation step in common with the baseline (train.evalEvery or steps changed?)`);
      continue;
    }
    if (okRuns(cell.runs).length < 2) notes.push(`${label}: fewer than 2 ok baseline runs, bands come from --atol/--rtol only`);
    report.findings.push(checkDiverged(cell.params, cell.runs, cand.runs));
    for (const m of curveMetrics) {
      const f = checkCurve(cell.params, m, baseCurves.get(cell.key) ?? new Map(), candCurves.get(cell.key) ?? new Map(), policy);
      if (f) report.findings.push(f);
    }
    for (const col of stepsColumns) {
      const f = checkSteps(cell.params, col, cell.runs, cand.runs, evalInterval(bSteps), policy);
      if (f) report.findings.push(f);
    }
  }
  return report;
}
