import type { RunSpec } from '../types.js';
import { canonicalJson } from '../util/canonical-json.js';

/*
 * `bn-exp run --vectorize K` (default auto): which runs may train as one group of K models (train/loop.ts;
 * a single run is a group of one). Runs share a step when they agree on everything that sets tensor
 * shapes or the step's control flow, and differ only in values that live inside tensors or JS-side
 * streams: the seed (data, init, batch order, dropout, noise), learning rate, momentum, BN momentum, init
 * kind and scale, dropout rate, batch order kind, noisy-BN amounts, divergence factor and targets, and
 * what each run measures (probes, eval modes: per model). Every feature may be grouped: a subpopulation
 * shift's seed-dependent training size gives each model its own epoch length. Pure: no tfjs.
 */

/**
 * The key runs must share to train together. It holds the data config (all of it but the seed: it sets
 * the inputs' shape, drift phases and shifts), the model's shape and BN variant (depth, width, activation,
 * BN placement and epsilon, input BN, γ/β on/off, what is trained, the resolved variant with its settings,
 * noisy BN on/off) and the training loop (optimizer kind, batch size, steps or epochs, evaluation cadence
 * and train-eval size).
 */
export function vectorGroupKey(spec: RunSpec): string {
  const { data, model, train, resolved } = spec;
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
      inputBatchNorm: model.inputBatchNorm,
      trainOnly: model.trainOnly,
      bn: resolved.bn,
      noisy: resolved.noisy !== undefined,
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
 * Splits runs (in plan order) into groups of at most `k` runs with the same key. A group is closed when
 * it is full; groups are listed in the order of their first run, so the result depends only on the input
 * order. k = 1 gives one group per run.
 */
export function groupRuns(specs: RunSpec[], k: number): RunSpec[][] {
  if (!Number.isInteger(k) || k < 1) throw new Error(`groupRuns: k must be a positive integer, got ${k}`);
  const groups: RunSpec[][] = [];
  const open = new Map<string, RunSpec[]>();
  for (const spec of specs) {
    if (k === 1) {
      groups.push([spec]);
      continue;
    }
    const key = vectorGroupKey(spec);
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
