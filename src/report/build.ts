import { groupCells } from '../analysis/cells.js';
import { activeAxes, type ReportData } from './data.js';
import { plural } from './format.js';
import { axisName } from './labels.js';
import type { Report, Section } from './section.js';
import { claimsSection } from './sections/claims.js';
import { convergenceSection } from './sections/convergence.js';
import { finalSection } from './sections/final.js';
import { driftSection } from './sections/drift.js';
import { gapSection } from './sections/gap.js';
import { landscapeSection } from './sections/landscape.js';
import { modesSection } from './sections/modes.js';
import { noiseSection } from './sections/noise.js';
import { percentilesSection } from './sections/percentiles.js';
import { shiftsSection } from './sections/shifts.js';
import { speedSection } from './sections/speed.js';

/** The section builders in report order (the claims first); each returns undefined when its data are absent. */
const SECTIONS: ((data: ReportData) => Section | undefined)[] = [
  (data) => claimsSection(data.claims),
  convergenceSection,
  speedSection,
  finalSection,
  percentilesSection,
  driftSection,
  landscapeSection,
  gapSection,
  noiseSection,
  shiftsSection,
  modesSection,
];

/** `8 runs in 4 config cells (batchNorm x depth), 2 seeds: 7 ok, 1 diverged, 0 failed.` */
export function overview(data: ReportData): string {
  const axes = activeAxes(data);
  const cells = groupCells(data.runs, data.axes).length;
  const seeds = new Set(data.runs.map((r) => r.seed)).size;
  const count = (s: string): number => data.runs.filter((r) => r.status === s).length;
  const sweep = axes.length > 0 ? ` (${axes.map(axisName).join(' x ')})` : '';
  return (
    `${plural(data.runs.length, 'run')} in ${plural(cells, 'config cell')}${sweep}, ${plural(seeds, 'seed')}: ` +
    `${count('ok')} ok, ${count('diverged')} diverged, ${count('failed')} failed.`
  );
}

/** Every section the data can answer, in order, with the experiment's own description. */
export function buildReport(data: ReportData): Report {
  return {
    name: data.name,
    question: data.question,
    description: data.description,
    overview: overview(data),
    sections: SECTIONS.map((f) => f(data)).filter((s): s is Section => s !== undefined),
  };
}
