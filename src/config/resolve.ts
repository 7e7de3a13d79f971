import { shiftList, shiftNames, shiftPath, trainSizeOf } from './data-rules.js';
import { setIn } from './paths.js';
import { DataSchema, ModelSchema, NoisySchema, RenormSchema, TrainSchema, type ExperimentConfig } from './schema.js';
import type { DataConfig, ModelConfig, NoisyConfig, RenormConfig, ShiftConfig, TargetConfig, TrainConfig } from './schema.js';

/** One value per swept dotted path: one cell of the sweep. */
export type Params = Record<string, unknown>;

/** The three sections a run is built from. */
export interface Sections {
  data: DataConfig;
  model: ModelConfig;
  train: TrainConfig;
}

/** Every combination of sweep values, the first axis varying slowest (odometer order). */
export function sweepCombinations(
  sweep: Readonly<Record<string, readonly unknown[]>>,
  axes: readonly string[] = Object.keys(sweep),
): Params[] {
  let cells: Params[] = [{}];
  for (const axis of axes) {
    const values = sweep[axis] ?? [];
    cells = cells.flatMap((cell) => values.map((v) => ({ ...cell, [axis]: v })));
  }
  return cells;
}

/**
 * The data/model/train sections of `config` with each swept value written at its dotted path
 * (a swept value replaces what was there), before defaults are applied again. `config` is not mutated.
 */
export function applyParams(config: ExperimentConfig, params: Params): Record<keyof Sections, unknown> {
  let sections: unknown = { data: config.data, model: config.model, train: config.train };
  for (const [axis, value] of Object.entries(params)) sections = setIn(sections, axis.split('.'), value);
  return sections as Record<keyof Sections, unknown>;
}

/**
 * The shape the code below config/ uses, resolved once per run from its sections (spec.resolved). It sits
 * beside the sections, never inside them: run ids hash the sections as written (with defaults), so adding
 * to this shape changes no id, manifest or CSV.
 */
export interface ResolvedRun {
  /** `data.shift` as a list, each entry with its evaluation-set name and the path it was written at. */
  shifts: NamedShift[];
  /** `train.target` as a list (empty when none). */
  targets: TargetConfig[];
  /** How long the run trains: exactly one of a step count and an epoch count. */
  duration: Duration;
  /**
   * Optimizer steps when the config alone fixes them: `steps` given, or epochs over a training set whose
   * size the config states (synthetic; mnist without a subpopulation shift). Undefined when they depend
   * on the rows of a file or of a region.
   */
  totalSteps: number | undefined;
  /** The normalization of the run's BN layers: one variant, its settings' defaults filled in. */
  bn: BnChoice;
  /** Noisy-BN settings (`noisyBN: true` gives Santurkar et al.'s), on top of `bn`; undefined when off. */
  noisy: NoisyConfig | undefined;
}

/** One entry of `data.shift`: its evaluation-set name, the dotted path it was written at, and its settings. */
export interface NamedShift {
  name: string;
  path: string;
  shift: ShiftConfig;
}

/** How long a run trains. */
export type Duration = { kind: 'steps'; steps: number } | { kind: 'epochs'; epochs: number };

/**
 * The BN variant of a run's BN layers (standard also for a network without BN). Ghost BN and Batch
 * Renorm exclude each other: validation refuses configs that set both, and this type cannot hold both.
 */
export type BnChoice = { kind: 'standard' } | { kind: 'ghost'; size: number } | ({ kind: 'renorm' } & RenormConfig);

/** The resolved shape of one validated run's sections. */
export function resolveRun(sections: Sections): ResolvedRun {
  const { data, model, train } = sections;
  const duration = durationOf(train);
  const rows = knownTrainRows(data);
  return {
    shifts: namedShifts(data),
    targets: targetList(train.target),
    duration,
    totalSteps: duration.kind === 'steps' ? duration.steps : rows === undefined ? undefined : totalSteps(train, rows),
    bn: bnChoiceOf(model),
    noisy: model.noisyBN === false ? undefined : model.noisyBN === true ? NoisySchema.parse({}) : model.noisyBN,
  };
}

/** `data.shift` as named entries, in order (names as shiftNames gives them). */
export function namedShifts(data: Pick<DataConfig, 'shift'>): NamedShift[] {
  const names = shiftNames(data);
  return shiftList(data).map((shift, i) => ({ name: names[i] as string, path: shiftPath(data, i), shift }));
}

/** `train.target` (one, many or none) as a list. */
export function targetList(target: TrainConfig['target']): TargetConfig[] {
  if (target === undefined) return [];
  return Array.isArray(target) ? [...target] : [target];
}

function durationOf(train: TrainConfig): Duration {
  if (train.steps !== undefined) return { kind: 'steps', steps: train.steps };
  if (train.epochs !== undefined) return { kind: 'epochs', epochs: train.epochs };
  throw new Error('train sets neither steps nor epochs: validation should have refused it');
}

/** Training rows the config alone fixes (a subpopulation shift restricts real data to a region of unknown size). */
function knownTrainRows(data: DataConfig): number | undefined {
  if (data.kind === 'mnist' && shiftList(data).some((s) => s.kind === 'subpopulation')) return undefined;
  return trainSizeOf(data);
}

/** The BN variant a model section asks for, its settings' defaults filled in (`batchRenorm: true` = RenormSchema's). */
export function bnChoiceOf(model: Pick<ModelConfig, 'batchRenorm' | 'ghostBatchSize'>): BnChoice {
  const r = model.batchRenorm;
  if (r !== false) return { kind: 'renorm', ...(r === true ? RenormSchema.parse({}) : r) };
  if (model.ghostBatchSize !== undefined) return { kind: 'ghost', size: model.ghostBatchSize };
  return { kind: 'standard' };
}

/** A run shortened to `steps` optimizer steps (same data, model and evaluation cadence), its resolved part updated too. */
export function withSteps<S extends Sections & { resolved: ResolvedRun }>(spec: S, steps: number): S {
  return { ...spec, train: { ...spec.train, steps, epochs: undefined }, resolved: { ...spec.resolved, duration: { kind: 'steps', steps }, totalSteps: steps } };
}

/** The sections of one cell, parsed again so defaults apply inside swept values (validated configs only). */
export function resolveSections(config: ExperimentConfig, params: Params): Sections {
  const raw = applyParams(config, params);
  return { data: DataSchema.parse(raw.data), model: ModelSchema.parse(raw.model), train: TrainSchema.parse(raw.train) };
}

/** Optimizer steps of a run: `steps` if given, else epochs * floor(trainSize / batchSize) (partial batch dropped). */
export function totalSteps(train: Pick<TrainConfig, 'steps' | 'epochs' | 'batchSize'>, trainSize: number): number {
  if (train.steps !== undefined) return train.steps;
  return (train.epochs ?? 0) * Math.floor(trainSize / train.batchSize);
}
