import type { Batching } from '../config/schema.js';
import { readRow, readRows, type Split } from './split.js';
import type { Rng } from '../stats/rng.js';

/**
 * The order in which one epoch visits the training examples (`train.batching`). Consecutive runs of
 * `batchSize` indices form the mini-batches.
 *   iid:       a uniform random permutation (the i.i.d. mini-batches SGD assumes).
 *   sorted:    examples grouped by class (shuffled within each class), cut into batches, and the batches
 *              visited in random order: each batch holds a single class as far as the class sizes allow.
 *   clustered: examples sorted along a random direction drawn each epoch, cut into batches, batches in
 *              random order: each batch is a set of neighbours in input space (non-i.i.d. in x).
 * In the non-i.i.d. orders the batch statistics BN normalizes with differ from batch to batch far more
 * than the population statistics its moving averages estimate.
 */
export function epochOrder(batching: Batching, split: Split, batchSize: number, rng: Rng): Int32Array {
  switch (batching) {
    case 'iid':
      return rng.permutation(split.n);
    case 'sorted':
      return shuffleBatches(classSorted(split, rng), batchSize, rng);
    case 'clustered':
      return shuffleBatches(projectionSorted(split, rng), batchSize, rng);
    default: {
      const unknown: never = batching;
      throw new Error(`Unsupported batching: ${String(unknown)}`);
    }
  }
}

/** Indices grouped by class (classes in ascending order), shuffled within each class. */
function classSorted(split: Split, rng: Rng): Int32Array {
  const shuffled = rng.permutation(split.n);
  const order = Array.from(shuffled);
  order.sort((a, b) => (split.y[a] as number) - (split.y[b] as number)); // stable: keeps the shuffle within a class
  return Int32Array.from(order);
}

/** Indices sorted by their projection on a random gaussian direction. */
function projectionSorted(split: Split, rng: Rng): Int32Array {
  const f = split.features;
  const w = rng.fillNormal(new Float64Array(f));
  const proj = new Float64Array(split.n);
  const row = new Float32Array(f);
  for (let r = 0; r < split.n; r++) {
    readRow(split, r, row);
    let s = 0;
    for (let j = 0; j < f; j++) s += (w[j] as number) * (row[j] as number);
    proj[r] = s;
  }
  const order = Array.from(rng.permutation(split.n)); // random tie-breaks
  order.sort((a, b) => (proj[a] as number) - (proj[b] as number));
  return Int32Array.from(order);
}

/** Cut `order` into whole batches and visit them in random order; the partial tail batch stays last. */
function shuffleBatches(order: Int32Array, batchSize: number, rng: Rng): Int32Array {
  const whole = Math.floor(order.length / batchSize);
  const out = new Int32Array(order.length);
  const batches = rng.permutation(whole);
  for (let b = 0; b < whole; b++) {
    const from = (batches[b] as number) * batchSize;
    out.set(order.subarray(from, from + batchSize), b * batchSize);
  }
  out.set(order.subarray(whole * batchSize), whole * batchSize);
  return out;
}

/** One mini-batch as plain arrays: the given rows of a split, in that order (features and labels). */
export function batchOf(split: Split, rows: Int32Array): { x: Float32Array; y: Int32Array } {
  return { x: readRows(split, rows), y: Int32Array.from(rows, (r) => split.y[r] as number) };
}
