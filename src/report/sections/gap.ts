import { compareMetric } from '../../analysis/compare.js';
import { MAX_CLAUSES, seedsText, statusClause } from '../clauses.js';
import { activeAxes, type Contrast, contrastGroups, contrastOf, hasValues, type Layout, levelsOf, type ReportData } from '../data.js';
import { fmtDiff, fmtDiffCi, sentence } from '../format.js';
import { rankByEvidence } from '../evidence.js';
import { cellPhrase } from '../labels.js';
import type { Section } from '../section.js';
import { statsTable } from '../tables.js';
import { cellPoints, cellPointsChart } from './points.js';

/** The batch-size axis; the section exists only when it is swept. */
export const BATCH_AXIS = 'train.batchSize';

/**
 * Generalization gap (train - test accuracy) against the batch size, coloured by BN and in panels by the
 * other axes (e.g. dropout): does a bigger batch, i.e. less BN noise, generalize worse?
 */
export function gapSection(data: ReportData): Section | undefined {
  const active = activeAxes(data);
  if (!active.includes(BATCH_AXIS) || !hasValues(data.runs, 'generalization_gap')) return undefined;
  const main = contrastOf(data);
  const colour = main?.axis === BATCH_AXIS ? undefined : main;
  const layout: Layout = { contrast: colour, x: BATCH_AXIS, panels: active.filter((a) => a !== BATCH_AXIS && a !== colour?.axis) };
  const metric = 'generalization_gap';
  const points = cellPoints(data.runs, data.axes, metric, layout, (c) => (c.ok < c.runs ? `${c.ok}/${c.runs} ok` : ''));
  const levels = levelsOf(data.runs, BATCH_AXIS);
  const small = levels[0]!;
  const large = levels[levels.length - 1]!;
  const batch: Contrast = { axis: BATCH_AXIS, ref: small, levels };
  const groups = rankByEvidence(contrastGroups(data, batch).filter((g) => g.level === large), metric, data.runs, data.axes);
  const others = active.filter((a) => a !== BATCH_AXIS);
  const clauses = groups.slice(0, MAX_CLAUSES).map((g) => {
    const { test: t } = compareMetric(g, metric);
    const where = cellPhrase(g.cell, others);
    const prefix = where ? `${where}, ` : '';
    if (t.nA === 0 || t.nB === 0) return `${prefix}the gap cannot be compared between batch ${small} and ${large} (no ok run on one side)`;
    const ci = Number.isFinite(t.ci.low) ? `95% CI ${fmtDiffCi(metric, t.ci.low, t.ci.high)}` : 'no CI from a single seed';
    const status = statusClause({ ...g, labelA: `batch ${small}`, labelB: `batch ${large}` });
    return (
      `${prefix}the generalization gap went from ${fmtDiff(metric, t.meanA)} at batch ${small} to ${fmtDiff(metric, t.meanB)} at batch ${large} ` +
      `(${fmtDiff(metric, t.diff)}, ${ci}, ${seedsText(t.kind, t.nA, t.nB)})${status ? `, and ${status}` : ''}`
    );
  });
  if (groups.length > MAX_CLAUSES) clauses.push(`${groups.length - MAX_CLAUSES} more cells, with smaller changes, are in the table`);
  return {
    id: 'gap',
    title: 'Generalization gap vs batch size',
    answer: sentence(clauses),
    figures: [
      {
        name: 'gap-batch-size',
        caption:
          'Generalization gap = final train accuracy - final test accuracy (as a fraction), per batch size: mean over seeds ' +
          'with its 95% t CI. A gap that grows with the batch size is the large-batch generalization gap (Keskar et al. 2017).',
        spec: cellPointsChart(data.runs, points, metric, layout, 'Generalization gap vs batch size'),
      },
    ],
    table: statsTable(data.runs, active, [metric, 'final_test_acc'].filter((m) => data.runsColumns.includes(m))),
    notes: [],
  };
}
