import { bandChart } from '../chart-band.js';
import { activeAxes, contrastOf, hasValues, type ReportData, seriesOrder } from '../data.js';
import { sentence } from '../format.js';
import { axisName } from '../labels.js';
import type { Figure, Section } from '../section.js';
import { stepSeries } from '../step-series.js';
import { diffAnswer, ratioAnswer } from './layer-answers.js';
import { isHidden } from './percentiles.js';

/** The per-layer shift measures of layers.csv, with what each shows. */
const MEASURES: [string, string, string, readonly [number, number]][] = [
  ['w1_prev', 'distribution drift since the previous probe (W1 in units of the previous std)', 'Distribution drift between probes', [0, Infinity]],
  ['q50_change', 'change of the median since the previous probe, in mean 15-85 spreads', 'Median change between probes', [0, Infinity]],
  ['ics_cos', "cos(G, G'): the layer's gradient before and after the earlier layers' update (1 = no gradient ICS)", 'Gradient ICS: cos(G, G\')', [-1, 1]],
  ['ics_rel', "||G - G'|| / ||G||: relative change of the layer's gradient from the earlier layers' update (0 = none)", "Gradient ICS: ||G - G'|| / ||G||", [0, Infinity]],
];

/** Internal covariate shift per layer over training, by both definitions (distributional and Santurkar's gradient one). */
export function driftSection(data: ReportData): Section | undefined {
  const hidden = data.layers.filter(isHidden);
  const present = MEASURES.filter(([col]) => hasValues(hidden, col));
  if (present.length === 0) return undefined;
  const contrast = contrastOf(data);
  const others = activeAxes(data).filter((a) => a !== contrast?.axis);
  const figures: Figure[] = present.map(([col, meaning, title, range]) => ({
    name: `layers-${col}`,
    caption: `Per hidden layer over training: ${meaning}; mean over seeds with its 95% t CI band (clipped to the measure's range).`,
    spec: bandChart(stepSeries(data.runs, data.axes, hidden, col, { contrast, panelAxes: others, byLayer: true, range }), {
      title,
      description: `${col} per layer from layers.csv`,
      xTitle: 'step',
      yTitle: col,
      seriesTitle: contrast ? axisName(contrast.axis) : 'runs',
      series: seriesOrder(contrast),
    }),
  }));
  let clauses = diffAnswer(data, 'ics_cos_mean', "the mean cos(G, G') over layers and probes (1 = no gradient ICS)");
  if (clauses.length === 0) clauses = ratioAnswer(data, 'w1_last_layer', "the last hidden layer's drift between probes (W1)", 'smaller', 'larger');
  return {
    id: 'drift',
    title: 'Internal covariate shift per layer',
    answer: clauses.length > 0 ? sentence(clauses) : 'runs.csv holds no ICS or drift summary, so no number answers this here; the figures show the measures per layer.',
    figures,
    notes: [],
  };
}
