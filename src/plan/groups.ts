import type { RunSpec } from '../types.js';
import { canonicalJson } from '../util/canonical-json.js';

/*
 * `bn-exp run --vectorize K` (default auto): which runs may train as one batch of K models (train/vectorized.ts).
 * Runs share a step when they agree on everything that sets tensor shapes or control flow and differ
 * only in values that live inside tensors or JS-side streams: the seed (data, init, batch order,
 * dropout), learning rate, momentum, BN momentum, init kind and scale, dropout rate, batch order kind,
 * divergence factor and targets. Pure: no tfjs.
 */

/** Why a run always trains on its own (undefined when it can share a vectorized step). */
export function vectorIneligibility(spec: RunSpec): string | undefined {
  const { model, data, resolved } = spec;
  if (spec.probes) return 'layer probes';
  if (spec.eval) return 'extra inference modes (eval)';
  if (resolved.noisy !== undefined) return 'noisy BN';
  if (resolved.bn.kind === 'renorm') return 'batch renorm';
  if (resolved.bn.kind === 'ghost') return 'ghost BN';
  if (model.inputBatchNorm) return 'input BN';
  if (data.drift) return 'drifting training data';
  // A subpopulation shift cuts the training set by a quantile of the run's own data: its size can
  // differ between seeds, and the K models must step through equally long epochs.
  if (resolved.shifts.some((s) => s.shift.kind === 'subpopulation')) return 'subpopulation shift (seed-dependent training size)';
  return undefined;
}

/**
 * The key runs must share to train together, or undefined when the run is ineligible. It holds the data
 * config (all of it but the seed: it sets the shapes of every split), the model's shape and the BN
 * variant (depth, width, activation, BN placement and epsilon, γ/β on/off, what is trained) and the
 * training loop (optimizer kind, batch size, steps or epochs, evaluation cadence and train-eval size).
 */
export function vectorGroupKey(spec: RunSpec): string | undefined {
  if (vectorIneligibility(spec) !== undefined) return undefined;
  const { data, model, train } = spec;
  const { seed: _dataSeed, ...dataShape } = data;
  return canonicalJson({
    data: dataShape,
    model: {
      depth: model.depth,
      width: model.width,
      activation: model.activation,
      batchNorm: model.batchNorm,
      bnEpsilon: model.bnEpsilon,
      bnCenter: model.bnCenter,
      bnScale: model.bnScale,
      trainOnly: model.trainOnly,
    },
    train: {
      optimizer: train.optimizer,
      batchSize: train.batchSize,
      steps: train.steps,
      epochs: train.epochs,
      evalEvery: train.evalEvery,
      evalTrainSize: train.evalTrainSize,
    },
  });
}

/**
 * Splits runs (in plan order) into groups of at most `k` runs with the same key; ineligible runs are
 * groups of one. A group is closed when it is full; groups are listed in the order of their first run,
 * so the result depends only on the input order. k = 1 gives one group per run.
 */
export function groupRuns(specs: RunSpec[], k: number): RunSpec[][] {
  if (!Number.isInteger(k) || k < 1) throw new Error(`groupRuns: k must be a positive integer, got ${k}`);
  const groups: RunSpec[][] = [];
  const open = new Map<string, RunSpec[]>();
  for (const spec of specs) {
    const key = k > 1 ? vectorGroupKey(spec) : undefined;
    if (key === undefined) {
      groups.push([spec]);
      continue;
    }
    let group = open.get(key);
    if (!group) {
      group = [];
      groups.push(group);
      open.set(key, group);
    }
    group.push(spec);
    if (group.length === k) open.delete(key);
  }
  return groups;
}

/** The largest K `--vectorize auto` uses: the measured gain flattens by K = 8 (README Speed). */
export const AUTO_VECTORIZE_MAX = 8;

/**
 * `--vectorize auto`: the largest K <= AUTO_VECTORIZE_MAX that still leaves at least one group per worker
 * (vectorizing must not idle a worker); 1 when no two runs can share a step. Results do not depend on K
 * (on wasm a group's runs are bit-identical to separate runs), only speed does.
 */
export function autoVectorize(specs: RunSpec[], workers: number): number {
  const wanted = Math.min(Math.max(1, workers), specs.length);
  for (let k = AUTO_VECTORIZE_MAX; k > 1; k--) {
    const groups = groupRuns(specs, k);
    if (groups.length < specs.length && groups.length >= wanted) return k;
  }
  return 1;
}
