// The fixed part of every report: how to read its numbers (the answers themselves are computed). Each
// paragraph restates a rule of docs/statistics.md; keep the two in step.

/** Paragraphs explaining intervals, censored and diverged runs; shown once at the top of the report. */
export const READING_GUIDE: readonly string[] = [
  'Each section opens with its answer, computed from this result set, and leads with the cells where the settings differ ' +
    'most. Means are over seeds (runs that differ only by seed). "95% CI" is a t interval of that mean built on a scale ' +
    'where the metric cannot leave its range (logit for accuracies and other [0, 1] values, log for losses and steps), so ' +
    'an interval never leaves the metric\'s range. With 2 seeds it is wide; with 1 seed there is none.',
  'Differences between two settings (e.g. BN on minus BN off) are paired by seed when both sides ran the same seeds ' +
    '(same data and initialization draws), else Welch. Ratios (steps, drift, loss band) are ratios of geometric means with a ' +
    't interval computed on the log scale. Below 3 paired seeds, or with no spread between seeds, nothing is tested.',
  'Shaded bands in curves are the 95% CI at each evaluation, drawn only where at least 3 runs remain. Error bars are the CI ' +
    'of a cell\'s mean.',
  'Steps to a target are only known to the evaluation grid: a run first seen at the target at step s reached it somewhere ' +
    'after the previous evaluation, so intervals of steps (and of their ratios) include that resolution. Censored: a run ' +
    'that finished but never reached the target (held at two consecutive evaluations) is counted and enters the ' +
    'Kaplan-Meier median as censored at its last step. Diverged: a run whose loss became NaN/Inf or exploded; it stopped ' +
    'early, is counted, and is left out of every mean.',
];
