import { groupCells } from '../analysis/cells.js';
import { diffClause, perGroup, withStatus } from './clauses.js';
import { activeAxes, type Contrast, type ContrastGroup, headlineGroups, type ReportData, usableNamedContrast } from './data.js';
import { fmtDiff, fmtDiffCi, plural } from './format.js';
import { interactionOf } from './interaction.js';
import { cellPhrase, levelLabel } from './labels.js';
import type { LevelPair } from './named-contrast.js';

// The opening sentence of a section that answers with a difference of means (final metrics, convergence):
// the named interaction first when the config names one (report.contrast), then the contrast per cell,
// the cells where it differs most first. Pure.

/**
 * `the effect of BN (before) vs no BN on final test accuracy was -3.0 pp at dropout=0.5 and +1.0 pp at
 * dropout=0, a difference of differences of -4.0 pp (95% CI ..., 3 paired seeds)`, one per cell of the
 * axes other than the contrast and `by`.
 */
export function interactionClauses(data: ReportData, contrast: Contrast, by: LevelPair, metric: string, what: string): string[] {
  const groups = headlineGroups(data, contrast, metric);
  const rest = activeAxes(data).filter((a) => a !== contrast.axis && a !== by.axis);
  const at = (g: ContrastGroup, level: string): boolean => g.cell[by.axis] === level;
  const clauses: string[] = [];
  for (const cell of groupCells(data.runs, rest)) {
    const inCell = groups.filter((g) => rest.every((a) => g.cell[a] === cell.params[a]));
    const gC = inCell.find((g) => at(g, by.a));
    const gD = inCell.find((g) => at(g, by.b));
    if (!gC || !gD) continue;
    const est = interactionOf(gC, gD, metric);
    const where = cellPhrase(cell.params, rest);
    const prefix = where === '' ? '' : `${where}, `;
    const effect = `the effect of ${gD.labelB} vs ${gD.labelA} on ${what}`;
    if (!Number.isFinite(est.dd)) {
      clauses.push(`${prefix}${effect} cannot be compared between ${levelLabel(by.axis, by.a)} and ${levelLabel(by.axis, by.b)}: an arm has no ok run with a value`);
      continue;
    }
    const n = est.kind === 'paired' ? plural(est.n, 'paired seed') : `at least ${plural(est.n, 'run')} per arm, Welch`;
    const ci = est.why === undefined ? `95% CI ${fmtDiffCi(metric, est.ci.low, est.ci.high)}` : `${est.why} for a CI`;
    clauses.push(
      `${prefix}${effect} was ${fmtDiff(metric, est.effectD)} at ${levelLabel(by.axis, by.b)} and ${fmtDiff(metric, est.effectC)} at ` +
        `${levelLabel(by.axis, by.a)}, a difference of differences of ${fmtDiff(metric, est.dd)} (${ci}, ${n})`,
    );
  }
  return clauses;
}

/** The clauses of a difference-of-means headline: a named interaction first, then the contrast per cell by evidence. */
export function diffHeadline(data: ReportData, contrast: Contrast, metric: string, what: string, where: string): string[] {
  const others = activeAxes(data).filter((a) => a !== contrast.axis);
  const named = usableNamedContrast(data);
  const lead = named?.by && named.of.axis === contrast.axis ? interactionClauses(data, contrast, named.by, metric, what) : [];
  const perCell = perGroup(headlineGroups(data, contrast, metric), others, (g) => withStatus(g, metric, diffClause(g, metric, what)), where);
  return [...lead, ...perCell];
}
