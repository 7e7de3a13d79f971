import { type CsvRow, groupCells, num, okRuns } from '../../analysis/cells.js';
import { mean } from '../../stats/describe.js';
import { type RankCorrelation, spearman } from '../../stats/spearman.js';
import { type Contrast, type ReportData, seriesOf } from '../data.js';
import { plural, sig } from '../format.js';

// Does the damage follow the measured size of the shift? Per series (a contrast level, e.g. no BN / BN),
// every (cell, shifted set) is one point: its accuracy drop from the clean test set against each measured
// size of that shift in shifts.csv; Spearman's rank correlation says the relation's sign and strength. Pure.

/** A shift size measured in shifts.csv, with how it enters the correlation. */
interface Measure {
  column: string;
  /** Size from the column's value: the std ratio counts by |log ratio| (1 = no change). */
  size: (x: number) => number;
  name: string;
}

/** The measured sizes the drop is related to (labels from the column registry). */
export const SHIFT_MEASURES: readonly Measure[] = [
  { column: 'mean_change_avg', size: (x) => x, name: 'mean change' },
  { column: 'std_ratio_avg', size: (x) => Math.abs(Math.log(x)), name: 'std change |log std ratio|' },
  { column: 'shape_w1', size: (x) => x, name: 'shape change (W1)' },
  { column: 'mmd2', size: (x) => x, name: 'MMD²' },
];

/** Fewer points than this are too few for a rank correlation to say anything. */
export const MIN_POINTS = 5;

/** One measure's correlation with the drop in one series. */
export interface ShiftRelation {
  series: string;
  measure: string;
  column: string;
  r: RankCorrelation;
}

/** Correlations of the accuracy drop with every measure, per series (the measures shifts.csv holds). */
export function shiftRelations(data: ReportData, splits: readonly string[], contrast: Contrast | undefined): ShiftRelation[] {
  const size = new Map(data.shifts.map((r) => [`${r.run_id ?? ''}\u0000${r.shift ?? ''}`, r]));
  const points = new Map<string, { drop: number; sizes: Map<string, number> }[]>();
  for (const cell of groupCells(data.runs, data.axes)) {
    const ok = okRuns(cell.runs);
    const series = seriesOf(cell.params, contrast);
    for (const split of splits) {
      const drop = mean(ok.map((r) => num(r.final_test_acc) - num(r[`final_${split}_acc`])).filter(Number.isFinite));
      if (!Number.isFinite(drop)) continue;
      const rows = ok.map((r: CsvRow) => size.get(`${r.run_id ?? ''}\u0000${split}`)).filter((r): r is CsvRow => r !== undefined);
      const sizes = new Map(SHIFT_MEASURES.map((m) => [m.column, mean(rows.map((r) => m.size(num(r[m.column]))).filter(Number.isFinite))]));
      const list = points.get(series) ?? [];
      list.push({ drop, sizes });
      points.set(series, list);
    }
  }
  const out: ShiftRelation[] = [];
  for (const [series, ps] of points) {
    for (const m of SHIFT_MEASURES) {
      const r = spearman(ps.map((p) => p.sizes.get(m.column)!), ps.map((p) => p.drop));
      if (r.n > 0) out.push({ series, measure: m.name, column: m.column, r });
    }
  }
  return out;
}

/** `Spearman rho = +0.82, n = 11, p = 0.002: larger shifts cost more accuracy, strongly`, honest about small n and weak evidence. */
export function relationText(r: RankCorrelation): string {
  if (r.n < MIN_POINTS) return `only ${plural(r.n, 'point')} (cell and shifted set): too few to tell`;
  if (!Number.isFinite(r.rho)) return `n = ${r.n}: no spread in the size or the drop`;
  const p = r.p < 1e-3 ? 'p < 0.001' : `p = ${sig(r.p, 2)}`;
  const head = `Spearman rho = ${r.rho > 0 ? '+' : ''}${sig(r.rho, 2)}, n = ${r.n}, ${p}`;
  if (!(r.p < 0.05)) return `${head}: not distinguishable from no relation`;
  const strength = Math.abs(r.rho) >= 0.7 ? 'strongly' : Math.abs(r.rho) >= 0.4 ? 'moderately' : 'weakly';
  return `${head}: larger shifts cost ${r.rho > 0 ? 'more' : 'less'} accuracy, ${strength}`;
}

/**
 * The answer clause (the measure the drop follows most closely in each series) and one note per series
 * with every measure; empty without shifts.csv sizes.
 */
export function shiftRelationText(relations: readonly ShiftRelation[]): { clause: string; notes: string[] } {
  if (relations.length === 0) return { clause: '', notes: [] };
  const series = [...new Set(relations.map((r) => r.series))];
  const best = series.map((s) => {
    const rs = relations.filter((r) => r.series === s && Number.isFinite(r.r.rho));
    return rs.sort((a, b) => Math.abs(b.r.rho) - Math.abs(a.r.rho))[0] ?? relations.find((r) => r.series === s)!;
  });
  const named = (s: string): string => (s === 'all runs' ? '' : ` with ${s}`);
  const clause =
    'against the size of each shift measured on the data, the drop followed ' +
    best.map((b) => `${b.measure} most closely${named(b.series)} (${relationText(b.r)})`).join(', and ');
  const notes = series.map(
    (s) =>
      `Accuracy drop against each measured shift size${named(s)}, Spearman rank correlation over (cell, shifted set) points: ` +
      relations
        .filter((r) => r.series === s)
        .map((r) => `${r.measure}: ${relationText(r.r)}`)
        .join('; ') +
      '.',
  );
  return { clause, notes };
}
