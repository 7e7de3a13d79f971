// The column registry: the one place that knows what a column of bn-exp's CSV files means. Writers mint
// names with the functions below; readers (compare, check, summarize, claims, report, plot) ask
// `columnInfo` for a column's kind, range, better direction, unit, mode and label. Nothing else parses a
// column name. Pure.

/** What a column measures; decides how it is printed and which interval suits it. */
export type ColumnKind =
  | 'id' // run_id, seed, step, epoch, layer, feature: identifiers
  | 'param' // a swept config path (`model.batchNorm`)
  | 'text' // status, error, kind, description
  | 'accuracy' // a fraction of correct predictions, in [0, 1]
  | 'loss' // a cross-entropy (or its time average), >= 0
  | 'steps' // steps to reach a target: interval-censored by evalEvery, empty = never reached (right-censored)
  | 'count' // a count (steps taken, runs, examples)
  | 'fraction' // another quantity in [0, 1]
  | 'gap' // a difference of accuracies (train - test), in [-1, 1]
  | 'nonnegative' // a norm, distance, std, ratio or level, >= 0
  | 'cosine' // a cosine similarity, in [-1, 1]
  | 'real' // any real number (means, quantiles, skewness)
  | 'seconds'; // wall time (not deterministic)

/** Which value of a metric is better, or 'none' for diagnostics that have no good side. */
export type Better = 'higher' | 'lower' | 'none';

/** Everything a reader needs to know about one column. */
export interface ColumnInfo {
  name: string;
  kind: ColumnKind;
  /** Closed range of valid values ([-Infinity, Infinity] when unbounded). */
  range: readonly [number, number];
  better: Better;
  /** Unit as printed after a value ('' for none). */
  unit: string;
  /** Human label for tables and axis titles. */
  label: string;
  /** Evaluation split of a metric column (`train`, `test`, `shifted`, ...). */
  split?: string;
  /** Inference mode of an `@mode` column (`population`, `adabn`, `batch16-iid`, ...). */
  mode?: string;
  /** The target of a `steps_to_<metric>_<value>` column. */
  target?: { metric: string; value: number };
  /** For summary columns (`<metric>_<stat>`): the statistic and the metric it summarizes. */
  stat?: { name: string; of: ColumnInfo };
}

const UNIT = { accuracy: '', loss: '', steps: 'steps', count: '', seconds: 's' } as const;
const ALL: readonly [number, number] = [-Infinity, Infinity];
const POS: readonly [number, number] = [0, Infinity];
const UNIT_RANGE: readonly [number, number] = [0, 1];
const SIGNED_UNIT: readonly [number, number] = [-1, 1];

/** The range of each kind (for 'id'/'param'/'text' the range is not used). */
export const KIND_RANGE: Record<ColumnKind, readonly [number, number]> = {
  id: ALL,
  param: ALL,
  text: ALL,
  accuracy: UNIT_RANGE,
  loss: POS,
  steps: POS,
  count: POS,
  fraction: UNIT_RANGE,
  gap: SIGNED_UNIT,
  nonnegative: POS,
  cosine: SIGNED_UNIT,
  real: ALL,
  seconds: POS,
};

/** True for kinds whose values are numbers that statistics can be taken of. */
export function isNumericKind(kind: ColumnKind): boolean {
  return kind !== 'id' && kind !== 'param' && kind !== 'text';
}

// ---- minting names ---------------------------------------------------------------------------------

/**
 * Column of one metric of a split: `test_acc`, or `test_acc@population` for the inference-mode split
 * `test@population`. In runs.csv the column gets the `final_` prefix (`final_test_acc@population`):
 * everything after `@` names the mode, the rest is the column of the default (moving) mode.
 */
export function metricColumn(split: string, kind: 'loss' | 'acc'): string {
  const at = split.indexOf('@');
  return at < 0 ? `${split}_${kind}` : `${split.slice(0, at)}_${kind}${split.slice(at)}`;
}

/** runs.csv column of a split's final metric: `final_test_acc`, `final_test_acc@population`. */
export function finalColumn(split: string, kind: 'loss' | 'acc'): string {
  return `final_${metricColumn(split, kind)}`;
}

/** Column name of one target in runs.csv, e.g. `steps_to_test_acc_0.9`. */
export function targetColumn(target: { metric: string; value: number }): string {
  return `steps_to_${target.metric}_${String(target.value)}`;
}

/** A metric name `<split>_<loss|acc>` split into its parts (`shifted_acc` -> shifted, acc). */
export function parseMetric(metric: string): { split: string; kind: 'loss' | 'acc' } {
  const cut = metric.lastIndexOf('_');
  const kind = metric.slice(cut + 1);
  if (cut <= 0 || (kind !== 'loss' && kind !== 'acc')) {
    throw new Error(`unsupported metric "${metric}": expected <split>_loss or <split>_acc`);
  }
  return { split: metric.slice(0, cut), kind };
}

// ---- the fixed columns -----------------------------------------------------------------------------

type Fixed = Omit<ColumnInfo, 'name' | 'range' | 'unit'> & { range?: readonly [number, number]; unit?: string };

const diag = (kind: ColumnKind, label: string): Fixed => ({ kind, better: 'none', label });

/** Columns with a fixed name, in any file. */
const FIXED: Record<string, Fixed> = {
  run_id: diag('id', 'run id'),
  seed: diag('id', 'seed'),
  step: diag('id', 'step'),
  epoch: diag('id', 'epoch'),
  layer: diag('id', 'layer'),
  feature: diag('id', 'feature'),
  unit: diag('id', 'unit'),
  status: diag('text', 'status'),
  error: diag('text', 'error'),
  kind: diag('text', 'kind'),
  shift: diag('text', 'shift'),
  family: diag('text', 'shift family'),
  description: diag('text', 'description'),
  steps: { ...diag('count', 'steps taken'), unit: UNIT.steps },
  runs: diag('count', 'runs'),
  diverged: diag('count', 'diverged runs'),
  failed: diag('count', 'failed runs'),
  wall_s: { ...diag('seconds', 'wall time'), unit: UNIT.seconds },
  generalization_gap: { kind: 'gap', better: 'lower', label: 'generalization gap (train - test accuracy)' },
  steps_to_target: { kind: 'steps', better: 'lower', label: 'steps to the first target', unit: UNIT.steps },
  auc_train_loss: { kind: 'loss', better: 'lower', label: 'time-averaged train loss' },
  gamma_small_frac: diag('fraction', 'fraction of units with small |γ|'),
  // probe summaries in runs.csv
  drift_first_layer: diag('nonnegative', 'normalized median drift, first layer'),
  drift_last_layer: diag('nonnegative', 'normalized median drift, last layer'),
  drift_tv_last_layer: diag('nonnegative', 'median total variation, last layer'),
  w1_last_layer: diag('nonnegative', 'W1 between successive probes, last layer'),
  ics_rel_mean: diag('nonnegative', 'relative gradient change ||G - G\'|| / ||G|| (mean)'),
  ics_cos_mean: diag('cosine', 'cos(G, G\') (mean)'),
  landscape_band_mean: diag('nonnegative', 'loss variation along the gradient (mean)'),
  beta_smoothness_mean: diag('nonnegative', 'effective β-smoothness (mean)'),
  bn_noise_mean: diag('nonnegative', 'BN noise level std((μ_B - μ)/σ)'),
  bn_noise_pred: diag('nonnegative', 'BN noise level predicted, 1/√m'),
  // layers.csv
  pre_mean: diag('real', 'pre-activation mean'),
  pre_std: diag('nonnegative', 'pre-activation std'),
  q15: diag('real', 'pre-activation 15th percentile'),
  q50: diag('real', 'pre-activation median'),
  q85: diag('real', 'pre-activation 85th percentile'),
  skew: diag('real', 'pre-activation skewness'),
  kurt: diag('real', 'pre-activation excess kurtosis'),
  saturated_frac: diag('fraction', 'fraction of saturated units'),
  dead_frac: diag('fraction', 'fraction of dead units'),
  w1_prev: diag('nonnegative', 'W1 distance to the previous probe'),
  q50_change: diag('real', 'change of the median since the previous probe'),
  w_norm: diag('nonnegative', 'weight norm ||W||'),
  grad_norm: diag('nonnegative', 'gradient norm ||∇W||'),
  update_ratio: diag('nonnegative', 'update / weight norm ratio'),
  bn_mean_gap: diag('nonnegative', 'batch vs moving mean gap'),
  bn_var_ratio: diag('nonnegative', 'batch / moving variance ratio'),
  gamma_mean: diag('real', 'γ mean'),
  gamma_std: diag('nonnegative', 'γ std'),
  beta_mean: diag('real', 'β mean'),
  beta_std: diag('nonnegative', 'β std'),
  bn_noise_var: diag('nonnegative', 'BN noise in the batch variance'),
  ics_l2: diag('nonnegative', 'gradient change ||G - G\'||'),
  ics_rel: diag('nonnegative', 'relative gradient change ||G - G\'|| / ||G||'),
  ics_cos: diag('cosine', 'cos(G, G\')'),
  // landscape.csv
  loss: diag('loss', 'train loss'),
  loss_min: diag('loss', 'lowest loss along the gradient'),
  loss_max: diag('loss', 'highest loss along the gradient'),
  loss_band: diag('nonnegative', 'loss variation along the gradient'),
  grad_change_min: diag('nonnegative', 'smallest gradient change along the gradient'),
  grad_change_max: diag('nonnegative', 'largest gradient change along the gradient'),
  beta_smoothness: diag('nonnegative', 'effective β-smoothness'),
  // shifts.csv, shift_features.csv
  n_source: diag('count', 'source examples'),
  n_target: diag('count', 'target examples'),
  features_used: diag('count', 'features measured'),
  mean_change_avg: diag('nonnegative', 'mean change (avg over features, in source std)'),
  mean_change_max: diag('nonnegative', 'mean change (max over features, in source std)'),
  std_ratio_avg: diag('nonnegative', 'std ratio target/source (avg)'),
  std_ratio_min: diag('nonnegative', 'std ratio target/source (min)'),
  std_ratio_max: diag('nonnegative', 'std ratio target/source (max)'),
  shape_w1: diag('nonnegative', 'shape change: W1 after standardizing'),
  shape_ks: diag('fraction', 'shape change: KS after standardizing'),
  mmd2: diag('real', 'MMD² (RBF kernel)'),
  mmd_bandwidth: diag('nonnegative', 'MMD bandwidth'),
  source_mean: diag('real', 'source mean'),
  target_mean: diag('real', 'target mean'),
  source_std: diag('nonnegative', 'source std'),
  target_std: diag('nonnegative', 'target std'),
  mean_change: diag('real', 'mean change (in source std)'),
  std_ratio: diag('nonnegative', 'std ratio target/source'),
  w1: diag('nonnegative', 'W1 after standardizing'),
  ks: diag('fraction', 'KS after standardizing'),
  // claims.csv (estimate and its interval are in the claimed metric's units: a difference, ratio or value)
  claim: diag('text', 'claim'),
  cell: diag('text', 'cell'),
  metric: diag('text', 'metric'),
  bound: diag('text', 'claimed bound'),
  verdict: diag('text', 'verdict'),
  note: diag('text', 'note'),
  estimate: diag('real', 'estimate'),
  ci_low: diag('real', '95% CI low'),
  ci_high: diag('real', '95% CI high'),
  n: diag('count', 'seeds (pairs) used'),
};

/** Per-unit statistics in layers.csv (`<stat>_med` is their median over units, `u<k>_<stat>` one unit's). */
const UNIT_STATS = ['pre_mean', 'pre_std', 'q15', 'q50', 'q85', 'skew', 'kurt'] as const;
const ONE_UNIT = { mean: 'pre_mean', std: 'pre_std', q15: 'q15', q50: 'q50', q85: 'q85' } as const;

/**
 * Statistic suffixes of summary columns (`<metric>_<stat>` in summary.csv and curves_summary.csv). Order
 * matters only for parsing: longer suffixes first.
 */
export const SUMMARY_STAT_SUFFIXES = [
  'boot_low',
  'boot_high',
  'ci_low',
  'ci_high',
  'censored',
  'median',
  'mean',
  'std',
  'se',
  'n',
] as const;

const SPLIT_WORDS: Record<string, string> = { train: 'train', test: 'test' };

function metricInfo(name: string, base: string, mode: string | undefined): ColumnInfo | undefined {
  const m = /^(final_)?(.+)_(acc|loss)$/.exec(base);
  // mode labels (moving, population, adabn, batch16-iid) have no '_': `_ci_low` after one is a summary suffix
  if (!m || (mode !== undefined && !/^[A-Za-z0-9-]+$/.test(mode))) return undefined;
  const split = m[2]!;
  const acc = m[3] === 'acc';
  const modeText = mode === undefined ? '' : ` (${mode})`;
  const kind: ColumnKind = acc ? 'accuracy' : 'loss';
  return {
    name,
    kind,
    range: KIND_RANGE[kind],
    better: acc ? 'higher' : 'lower',
    unit: '',
    label: `${m[1] ? 'final ' : ''}${SPLIT_WORDS[split] ?? split} ${acc ? 'accuracy' : 'loss'}${modeText}`,
    split,
    ...(mode === undefined ? {} : { mode }),
  };
}

/** A target in words: `85% test accuracy`, `train loss 0.5`. */
export function targetLabel(t: { metric: string; value: number }): string {
  const m = /^(.+)_(acc|loss)$/.exec(t.metric);
  const split = m ? (SPLIT_WORDS[m[1]!] ?? m[1]!) : t.metric;
  if (m?.[2] === 'acc') return `${Number((100 * t.value).toPrecision(4))}% ${split} accuracy`;
  return `${split} loss ${t.value}`;
}

function targetInfo(name: string): ColumnInfo | undefined {
  const m = /^steps_to_(.+_(?:acc|loss)(?:@[^_]+)?)_([-+0-9.eE]+)$/.exec(name);
  if (!m) return undefined;
  const value = Number(m[2]);
  if (!Number.isFinite(value)) return undefined;
  const target = { metric: m[1]!, value };
  return { name, kind: 'steps', range: KIND_RANGE.steps, better: 'lower', unit: UNIT.steps, label: `steps to ${targetLabel(target)}`, target };
}

function fixedInfo(name: string): ColumnInfo | undefined {
  const f = FIXED[name];
  if (f === undefined) return undefined;
  return { name, unit: '', range: KIND_RANGE[f.kind], ...f };
}

function layerInfo(name: string): ColumnInfo | undefined {
  const med = /^(.+)_med$/.exec(name);
  if (med && (UNIT_STATS as readonly string[]).includes(med[1]!)) {
    const of = fixedInfo(med[1]!)!;
    return { ...of, name, label: `${of.label} (median over units)` };
  }
  const u = /^u(\d+)_(mean|std|q15|q50|q85)$/.exec(name);
  if (u) {
    const of = fixedInfo(ONE_UNIT[u[2] as keyof typeof ONE_UNIT])!;
    return { ...of, name, kind: 'id' === of.kind ? 'real' : of.kind, label: `${of.label}, unit ${u[1]}` };
  }
  return undefined;
}

/** The column itself, without summary suffixes; undefined when the name is not bn-exp's. */
function baseInfo(name: string): ColumnInfo | undefined {
  const fixed = fixedInfo(name);
  if (fixed) return fixed;
  const target = targetInfo(name);
  if (target) return target;
  const at = name.indexOf('@');
  const metric = metricInfo(name, at < 0 ? name : name.slice(0, at), at < 0 ? undefined : name.slice(at + 1));
  if (metric) return metric;
  return layerInfo(name);
}

/** What a column is: kind, range, better direction, unit, label (undefined for a name bn-exp never writes). */
export function columnInfo(name: string): ColumnInfo | undefined {
  const base = baseInfo(name);
  if (base) return base;
  for (const stat of SUMMARY_STAT_SUFFIXES) {
    if (!name.endsWith(`_${stat}`)) continue;
    const of = baseInfo(name.slice(0, -stat.length - 1));
    if (of === undefined || !isNumericKind(of.kind)) continue;
    return summaryInfo(name, stat, of);
  }
  // a swept config path: `model.batchNorm`, `data.shift.0.scale`, or a whole section (`model`)
  if (CONFIG_PATH.test(name)) return { name, kind: 'param', range: ALL, better: 'none', unit: '', label: name };
  return undefined;
}

const CONFIG_PATH = /^(data|model|train|probes|eval|seeds)(\.[A-Za-z0-9_]+)*$/;

function summaryInfo(name: string, stat: string, of: ColumnInfo): ColumnInfo {
  const spread = stat === 'std' || stat === 'se';
  const counted = stat === 'n' || stat === 'censored';
  const kind: ColumnKind = counted ? 'count' : spread ? 'nonnegative' : of.kind;
  return {
    name,
    kind,
    range: counted || spread ? POS : of.range,
    better: counted || spread ? 'none' : of.better,
    unit: counted ? '' : of.unit,
    label: `${of.label}: ${stat.replace('_', ' ')}`,
    stat: { name: stat, of },
  };
}

/** `columnInfo`, or an Error naming the unknown column (for writers: every column must be registered). */
export function requireColumn(name: string): ColumnInfo {
  const info = columnInfo(name);
  if (info === undefined) throw new Error(`column "${name}" is not in the column registry (src/record/columns.ts)`);
  return info;
}

// ---- questions readers ask -------------------------------------------------------------------------

/** A target of a `steps_to_<metric>_<value>` column. */
export interface TargetColumn {
  column: string;
  metric: string;
  value: number;
}

/** The target of a steps-to-target column (undefined for other columns, and for `steps_to_target`). */
export function targetOf(column: string): TargetColumn | undefined {
  const t = column === 'steps_to_target' ? undefined : columnInfo(column)?.target;
  return t === undefined ? undefined : { column, ...t };
}

/** A steps-to-target column (empty cell = target never reached, i.e. censored). `steps_to_target` repeats the first. */
export function isStepsToColumn(column: string): boolean {
  return column !== 'steps_to_target' && columnInfo(column)?.target !== undefined;
}

/** True for accuracy metrics (fractions in [0, 1], printed as percentages). */
export function isAccuracy(column: string): boolean {
  return columnInfo(column)?.kind === 'accuracy';
}

/** True for step counts (printed as integers). */
export function isSteps(column: string): boolean {
  const kind = columnInfo(column)?.kind;
  return kind === 'steps' || (kind === 'count' && column === 'steps');
}

/** Which way is better for a metric; diagnostics without a good side count as 'lower' is never assumed: 'none'. */
export function betterDirection(column: string): Better {
  return columnInfo(column)?.better ?? 'none';
}

/** The range a column's values (and any interval of them) must stay in. */
export function columnRange(column: string): readonly [number, number] {
  return columnInfo(column)?.range ?? ALL;
}

/** Human label of a column (its name when unknown). */
export function columnLabel(column: string): string {
  return columnInfo(column)?.label ?? column.replace(/_/g, ' ');
}

/**
 * The per-run metrics of a runs.csv header, in header order: final metrics, the generalization gap,
 * steps-to-target columns and the time-averaged train loss. `steps_to_target` is left out: it repeats the
 * first target's column.
 */
export function runMetricColumns(columns: readonly string[]): string[] {
  return columns.filter((c) => {
    const info = columnInfo(c);
    if (info === undefined || info.better === 'none' || c === 'steps_to_target') return false;
    return info.kind === 'accuracy' || info.kind === 'loss' || info.kind === 'steps' || info.kind === 'gap';
  });
}

/** The per-step metrics of a curves.csv header (`<split>_loss`, `<split>_acc`, with `@mode`). */
export function curveMetricColumns(columns: readonly string[]): string[] {
  return columns.filter((c) => {
    const info = columnInfo(c);
    return info !== undefined && info.split !== undefined && info.mode === undefined && !c.startsWith('final_');
  });
}
