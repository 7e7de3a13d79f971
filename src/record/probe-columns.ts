/* Column contracts of the probe outputs (layers.csv, landscape.csv, probe summaries in runs.csv). */

/** Per-unit statistics aggregated over units in layers.csv. */
export const STAT_KEYS = ['mean', 'std', 'q15', 'q50', 'q85', 'skew', 'kurt'] as const;
/** layers.csv column of each per-unit statistic (its median over units adds `_med`). */
export const STAT_COLUMN: Record<(typeof STAT_KEYS)[number], string> = {
  mean: 'pre_mean',
  std: 'pre_std',
  q15: 'q15',
  q50: 'q50',
  q85: 'q85',
  skew: 'skew',
  kurt: 'kurt',
};

/** Columns of layers.csv, in order. */
export function layersColumns(units: readonly number[]): string[] {
  const dist = STAT_KEYS.flatMap((k) => [STAT_COLUMN[k], `${STAT_COLUMN[k]}_med`]);
  return [
    'run_id',
    'step',
    'layer',
    'kind',
    ...dist,
    'saturated_frac',
    'dead_frac',
    'w1_prev',
    'q50_change',
    'w_norm',
    'grad_norm',
    'update_ratio',
    'bn_mean_gap',
    'bn_var_ratio',
    'gamma_mean',
    'gamma_std',
    'beta_mean',
    'beta_std',
    'bn_noise_mean',
    'bn_noise_var',
    'bn_noise_pred',
    'ics_l2',
    'ics_rel',
    'ics_cos',
    ...units.flatMap((u) => ['mean', 'std', 'q15', 'q50', 'q85'].map((k) => `u${u}_${k}`)),
  ];
}

/** Columns of landscape.csv, in order. */
export const LANDSCAPE_COLUMNS = [
  'run_id',
  'step',
  'loss',
  'grad_norm',
  'loss_min',
  'loss_max',
  'loss_band',
  'grad_change_min',
  'grad_change_max',
  'beta_smoothness',
] as const;

/** Per-run probe summary columns for runs.csv. */
export const PROBE_SUMMARY_COLUMNS = [
  'drift_first_layer',
  'drift_last_layer',
  'drift_tv_last_layer',
  'w1_last_layer',
  'ics_rel_mean',
  'ics_cos_mean',
  'landscape_band_mean',
  'beta_smoothness_mean',
  'bn_noise_mean',
  'bn_noise_pred',
] as const;

