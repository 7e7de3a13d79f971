import type { MeasuredShift } from './data/assemble.js';
import type { Dataset, Split } from './data/split.js';
import type { ResolvedRun } from './config/resolve.js';
import type { DataConfig, EvalConfig, ExperimentConfig, ModelConfig, ProbesConfig, TargetConfig, TrainConfig } from './config/schema.js';

export type { Dataset, Split };

/** One run of a plan: a fully resolved config (sweep values applied) plus its seed. */
export interface RunSpec {
  /** Short stable hash of the resolved config and seed. */
  id: string;
  /** Position in the deterministic run list (0-based). */
  index: number;
  seed: number;
  /** Swept dotted paths -> the value this run takes (in sweep order). */
  params: Record<string, unknown>;
  data: DataConfig;
  model: ModelConfig;
  train: TrainConfig;
  /**
   * The sections resolved once (shift names, targets, duration, BN variant with defaults filled in):
   * what every layer below config/ reads instead of normalizing the sections again. Not part of the
   * run id, which hashes data, model and train as written.
   */
  resolved: ResolvedRun;
  /** Layer probes (not part of the run id: probes never change training). */
  probes?: ProbesConfig;
  /** Extra inference modes (not part of the run id: they never change training). */
  eval?: EvalConfig;
}

/** The expanded experiment: the data `run` executes and `plan` prints. */
export interface Plan {
  config: ExperimentConfig;
  /** Swept dotted paths, in the order they appear in the config. */
  axes: string[];
  seeds: number[];
  /** The experiment's `train.target` as a list (runs.csv's steps-to-target columns). */
  targets: TargetConfig[];
  runs: RunSpec[];
}



/** Metrics of one evaluation point (one row of curves.csv). */
export interface EvalRecord {
  step: number;
  epoch: number;
  /** split name (train, test, shifted, ...) -> {loss, acc}. */
  metrics: Record<string, { loss: number; acc: number }>;
}

export type RunStatus = 'ok' | 'diverged' | 'failed';

/** What one finished run produced, before it is flattened into CSV rows. */
export interface RunResult {
  spec: RunSpec;
  status: RunStatus;
  /** Steps taken (the step at which divergence was detected, for diverged runs). */
  steps: number;
  curve: EvalRecord[];
  error?: string;
  wallSeconds: number;
  /** layers.csv rows (one per probe step and layer) when probes are on. */
  layers?: Record<string, number | string>[];
  /** landscape.csv rows (one per landscape probe step). */
  landscape?: Record<string, number | string>[];
  /** Per-run probe summaries for runs.csv (drift, ICS, landscape), by column name. */
  probeSummary?: Record<string, number>;
  /** The measured shifts of the run's data (shifts.csv, shift_features.csv). */
  shifts?: MeasuredShift[];
  /** Fraction of hidden BN units with |γ| < 0.05·mean|γ| at the end (Frankle et al.); runs with BN only. */
  gammaSmallFrac?: number;
}
