import { bandChart } from '../chart-band.js';
import { activeAxes, contrastOf, hasValues, type ReportData, seriesOrder } from '../data.js';
import { sentence } from '../format.js';
import { axisName } from '../labels.js';
import type { Figure, Section } from '../section.js';
import { stepSeries } from '../step-series.js';
import { ratioAnswer } from './layer-answers.js';

/** The landscape.csv measures (Santurkar et al. Fig. 4), with what each shows. */
const MEASURES: [string, string, string][] = [
  ['loss_band', 'the spread max L - min L of the loss at the step sizes along -g (Fig. 4a)', 'Loss variation along the gradient'],
  ['grad_change_max', "the largest change ||grad L(w) - grad L(w')|| of the gradient along -g (Fig. 4b)", 'Gradient predictiveness'],
  ['beta_smoothness', "the effective beta-smoothness max ||grad L(w) - grad L(w')|| / ||eta g|| (Fig. 4c)", 'Effective beta-smoothness'],
];

/** Smoothness of the loss landscape along the gradient over training (landscape.csv). */
export function landscapeSection(data: ReportData): Section | undefined {
  const present = MEASURES.filter(([col]) => hasValues(data.landscape, col));
  if (present.length === 0) return undefined;
  const contrast = contrastOf(data);
  const others = activeAxes(data).filter((a) => a !== contrast?.axis);
  const figures: Figure[] = present.map(([col, meaning, title]) => ({
    name: `landscape-${col}`,
    caption: `Over training: ${meaning}; mean over seeds with its 95% t CI band (clipped at 0). Lower = smoother.`,
    spec: bandChart(stepSeries(data.runs, data.axes, data.landscape, col, { contrast, panelAxes: others, byLayer: false, range: [0, Infinity] }), {
      title,
      description: `${col} from landscape.csv`,
      xTitle: 'step',
      yTitle: col,
      seriesTitle: contrast ? axisName(contrast.axis) : 'runs',
      series: seriesOrder(contrast),
      yZero: true,
    }),
  }));
  const band = ratioAnswer(data, 'landscape_band_mean', 'the loss band along -g', 'narrower', 'wider');
  const beta = ratioAnswer(data, 'beta_smoothness_mean', 'the effective beta-smoothness', 'smaller', 'larger');
  const clauses = [...band, ...beta];
  return {
    id: 'landscape',
    title: 'Loss landscape along the gradient',
    answer: clauses.length > 0 ? sentence(clauses) : 'runs.csv holds no landscape summary, so no number answers this here; the figures show the probes.',
    figures,
    notes: [],
  };
}
