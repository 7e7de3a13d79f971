import type { NamedShift } from '../config/resolve.js';
import type { DataConfig, DriftConfig } from '../config/schema.js';
import { leadingRows, type Dataset, type Split } from './split.js';
import type { ShiftMeasure } from './measure-shift.js';
import { Rng } from '../stats/rng.js';
import { describeShift, scaleShift, shiftFamily, shiftSplit, shiftInputs, type MapShift, type ShiftBasis, type ShiftFamily } from './shifts.js';

/**
 * The parts every data kind shares once its train and test sets exist: one evaluation set per shift,
 * the drift phases of the training set, and the pairs of samples whose shift is measured.
 */

/** Two samples whose difference is measured and written to shifts.csv. */
export interface ShiftPair {
  /** The evaluation set's name (`test` for the train/test reference pair, `drift` for the drift). */
  name: string;
  /** `none` for the train/test pair: the sampling-noise floor of every statistic. */
  family: ShiftFamily | 'none';
  kind: string;
  description: string;
  source: Split;
  target: Split;
}

/** A dataset plus the sample pairs that describe its shifts. */
export interface BuiltData {
  dataset: Dataset;
  pairs: ShiftPair[];
}

/** How a data kind provides the sets a shift needs besides the test set. */
export interface ShiftSources {
  test: Split;
  basis: ShiftBasis;
  /** The data seed: each shift's random parameters come from the stream ('data', 'shift', name). */
  seed: number;
  /** Synthetic only: fresh source inputs, mapped by `shift` and labelled by the teacher. */
  relabelled?: (shift: MapShift, name: string, rng: Rng) => Split;
  /** Synthetic only: fresh inputs with equicorrelation `rho`, labelled by the teacher. */
  correlated?: (rho: number, name: string) => Split;
  /** The out-of-region evaluation set of a subpopulation shift, when there is one. */
  outside?: Split;
}

/** The stream of a shift's own random parameters (gain draws, flipped features). */
export function shiftRng(seed: number, name: string): Rng {
  return Rng.derive(seed, 'data', 'shift', name);
}

/** One evaluation set per entry of `data.shift` (the run's resolved shifts), keyed by its name, in list order. */
export function shiftEvalSets(shifts: readonly NamedShift[], src: ShiftSources): Record<string, Split> {
  const out: Record<string, Split> = {};
  shifts.forEach(({ name, shift }) => {
    switch (shift.kind) {
      case 'correlation':
        if (src.correlated === undefined) throw new Error(`shift ${name}: a correlation shift needs synthetic data`);
        out[name] = src.correlated(shift.amount, name);
        return;
      case 'subpopulation':
        if (src.outside === undefined) throw new Error(`shift ${name}: no out-of-region set`);
        out[name] = src.outside;
        return;
      default:
        if (shift.relabel) {
          if (src.relabelled === undefined) throw new Error(`shift ${name}: relabelling needs synthetic data`);
          out[name] = src.relabelled(shift, name, shiftRng(src.seed, name));
        } else {
          out[name] = shiftSplit(src.test, shift, src.basis, shiftRng(src.seed, name));
        }
    }
  });
  return out;
}

/**
 * The training set at each drift phase p = 0..P-1: T scaled to t = p/(P-1) applied to the training
 * inputs (phase 0 is the training set itself). Labels are recomputed by `relabel` (covariate drift,
 * synthetic only) or carried over (nuisance drift).
 */
export function driftPhases(
  train: Split,
  drift: DriftConfig,
  basis: ShiftBasis,
  seed: number,
  relabel?: (x: Float32Array, n: number) => Int32Array,
): Split[] {
  const phases: Split[] = [train];
  if (drift.phases < 2) return phases;
  const source = leadingRows(train); // phases are new values: a view split's rows are read once for all of them
  for (let p = 1; p < drift.phases; p++) {
    const t = p / (drift.phases - 1);
    // The same stream at every phase: the random parameters (gains, flipped features) stay put and grow with t.
    const x = shiftInputs(source, scaleShift(drift.to, t), basis, Rng.derive(seed, 'data', 'drift'));
    const y = drift.to.relabel && relabel !== undefined ? relabel(x, train.n) : train.y.slice();
    phases.push({ x, y, n: train.n, features: train.features });
  }
  return phases;
}

/** The pairs to measure: train vs test (reference), test vs each shift's set, and the drift's end points. */
export function shiftPairs(shifts: readonly NamedShift[], data: Pick<DataConfig, 'drift'>, dataset: Dataset): ShiftPair[] {
  const pairs: ShiftPair[] = [
    { name: 'test', family: 'none', kind: 'none', description: 'the clean test set against the training set (sampling noise)', source: dataset.train, target: dataset.test },
  ];
  shifts.forEach(({ name, shift }) => {
    const target = dataset.extra[name];
    if (target === undefined) return;
    pairs.push({ name, family: shiftFamily(shift), kind: shift.kind, description: describeShift(shift), source: dataset.test, target });
  });
  const phases = dataset.trainPhases;
  if (data.drift !== undefined && phases !== undefined && phases.length > 1) {
    const to = data.drift.to;
    pairs.push({
      name: 'drift',
      family: shiftFamily(to),
      kind: to.kind,
      description: `drift during training over ${data.drift.phases} phases to ${describeShift(to)}`,
      source: phases[0] as Split,
      target: phases[phases.length - 1] as Split,
    });
  }
  return pairs;
}

/** A measured shift: which sets, and the statistics. */
export interface MeasuredShift extends Omit<ShiftPair, 'source' | 'target'> {
  measure: ShiftMeasure;
}
