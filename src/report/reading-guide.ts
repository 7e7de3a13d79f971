// The fixed part of every report: how to read its numbers (the answers themselves are computed).

/** Paragraphs explaining intervals, censored and diverged runs; shown once at the top of the report. */
export const READING_GUIDE: readonly string[] = [
  'Each section opens with its answer, computed from this result set. Means are over seeds (runs that differ only by seed); ' +
    '"95% CI" is the Student t interval of that mean (mean +- t(0.975, n-1) * std / sqrt(n)), so it says how far the mean of ' +
    'these seeds could be from the mean over many seeds. With 2 seeds it is wide; with 1 seed there is none.',
  'Differences between two settings (e.g. BN on minus BN off) are paired by seed when both sides ran the same seeds ' +
    '(same data and initialization draws), else Welch. Ratios (steps, drift, loss band) are ratios of geometric means with a ' +
    't interval computed on the log scale.',
  'Shaded bands in curves are the same 95% t CI at each evaluation. Error bars are the CI of a cell\'s mean.',
  'Censored: a run that finished but never reached a target (held at two consecutive evaluations) has no steps-to-target; ' +
    'it is counted, not averaged, and ratios use only seeds where both sides reached it. Diverged: a run whose loss became ' +
    'NaN/Inf or exploded; it stopped early, is counted, and is left out of every mean.',
];
