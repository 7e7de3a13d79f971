import { compareMetric } from '../../analysis/compare.js';
import { type CsvRow, num, okRuns } from '../../analysis/cells.js';
import { mean } from '../../stats/describe.js';
import { MAX_CLAUSES, seedsText, statusClause } from '../clauses.js';
import { activeAxes, type Contrast, contrastGroups, contrastOf, hasValues, type Layout, levelsOf, type ReportData } from '../data.js';
import { rankByEvidence } from '../evidence.js';
import { fmtDiff, fmtDiffCi, fmtRatio, sentence } from '../format.js';
import { cellPhrase } from '../labels.js';
import type { Section } from '../section.js';
import { statsTable } from '../tables.js';
import { cellPoints, cellPointsChart } from './points.js';

/** The batch-size axis; the section exists only when it is swept. */
export const BATCH_AXIS = 'train.batchSize';

/** Two batch levels saw "the same data" when their mean examples seen (steps x batch) differ by less than this fraction. */
export const EQUAL_DATA_TOLERANCE = 0.05;

/** Mean over the ok runs at batch size `level` of the training examples they saw (steps taken x batch size). */
export function examplesSeen(runs: readonly CsvRow[], level: string): number {
  const m = Number(level);
  return mean(okRuns(runs.filter((r) => r[BATCH_AXIS] === level)).map((r) => num(r.steps) * m).filter(Number.isFinite));
}

/**
 * What the gap figure may claim. Keskar et al.'s large-batch gap compares batch sizes trained for the same
 * number of epochs; with equal steps the large batch saw more data, so a changed gap mixes batch size with
 * training length. The interpretation is given only when the data seen was equal and the gap grew with the
 * batch in every compared cell; otherwise the caption says why it is not given.
 */
export function gapReading(
  runs: readonly CsvRow[],
  small: string,
  large: string,
  diffs: readonly number[],
): { caption: string; clause: string } {
  const seenSmall = examplesSeen(runs, small);
  const seenLarge = examplesSeen(runs, large);
  const ratio = seenLarge / seenSmall;
  if (!Number.isFinite(ratio)) return { caption: '', clause: '' };
  if (Math.abs(ratio - 1) >= EQUAL_DATA_TOLERANCE) {
    const more = ratio > 1 ? [large, small, ratio] as const : [small, large, 1 / ratio] as const;
    const steps = (level: string): number => Math.round(examplesSeen(runs, level) / Number(level));
    const saw = `batch ${more[0]} saw ${fmtRatio(more[2])} as many training examples as batch ${more[1]} (${steps(large)} vs ${steps(small)} steps at batch ${large} and ${small})`;
    return {
      caption:
        `The batch sizes did not see the same data: ${saw}, so a change of the gap here mixes the batch size with the length of training. ` +
        'The large-batch generalization gap (Keskar et al. 2017) is read from runs of equal epochs; these runs cannot show it.',
      clause: `${saw}, so this is not an equal-epoch comparison`,
    };
  }
  const grew = diffs.filter((d) => d > 0).length;
  if (diffs.length > 0 && grew === diffs.length) {
    return {
      caption:
        `Every batch size saw the same data (equal epochs), and the gap grew from batch ${small} to ${large} in every compared cell: ` +
        'the large-batch generalization gap (Keskar et al. 2017).',
      clause: '',
    };
  }
  return {
    caption:
      `Every batch size saw the same data (equal epochs), but the gap grew from batch ${small} to ${large} in only ${grew} of ${diffs.length} compared cells: ` +
      'these runs do not show a consistent large-batch generalization gap (Keskar et al. 2017).',
    clause: '',
  };
}

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
  const tests = groups.map((g) => compareMetric(g, metric).test);
  const clauses = groups.slice(0, MAX_CLAUSES).map((g, i) => {
    const t = tests[i]!;
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
  const reading = gapReading(data.runs, small, large, tests.map((t) => t.diff).filter(Number.isFinite));
  if (reading.clause) clauses.push(reading.clause);
  return {
    id: 'gap',
    title: 'Generalization gap vs batch size',
    answer: sentence(clauses),
    figures: [
      {
        name: 'gap-batch-size',
        caption:
          'Generalization gap = final train accuracy - final test accuracy, per batch size: mean over seeds with its 95% t CI. ' +
          'The figure plots it as a fraction (0.01 = 1 pp); the sentence and the table give it in percentage points (pp).' +
          (reading.caption ? ` ${reading.caption}` : ''),
        spec: cellPointsChart(data.runs, points, metric, layout, 'Generalization gap vs batch size'),
      },
    ],
    table: statsTable(data.runs, active, [metric, 'final_test_acc'].filter((m) => data.runsColumns.includes(m))),
    notes: [],
  };
}
