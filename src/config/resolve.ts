import { setIn } from './paths.js';
import { DataSchema, ModelSchema, TrainSchema, type ExperimentConfig } from './schema.js';
import type { DataConfig, ModelConfig, TrainConfig } from './schema.js';

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
