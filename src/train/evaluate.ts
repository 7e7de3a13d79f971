import { tf } from '../tf.js';
import { forwardInfer, type Mlp } from '../model/mlp.js';
import { sliceRowsOf } from '../model/row-slices.js';
import { oneHot } from '../data/onehot.js';
import { isView, leadingRows, rowBlock, type Split } from '../data/split.js';

/**
 * An evaluation set: its labels on the backend, its features either on the backend whole (`x`: a
 * resident set) or uploaded from the data a chunk at a time as it is evaluated (the backend then never
 * holds more than a chunk of them; a view split's values are read, standardized, per chunk).
 */
export interface EvalSet {
  name: string;
  /** The whole features [n, features], on a resident set only (eval modes and `bn-exp identity` use them whole). */
  x?: tf.Tensor2D;
  /**
   * Rows [start, start + size) of the features on the backend: `x` itself when that is all of it, else a
   * new tensor, to dispose before the next call (the cpu backend keeps the buffer it was made from, which
   * the next call may refill).
   */
  rows(start: number, size: number): tf.Tensor2D;
  y: tf.Tensor1D; // int32 labels
  onehot: tf.Tensor2D; // float32 [n, classes]
  n: number;
}

/** Rows per forward pass when evaluating, to bound memory on large sets. */
const CHUNK = 4096;

/**
 * The first `limit` rows of a split as an evaluation set: labels on the backend, features too when
 * `resident`, else uploaded chunk by chunk at each evaluation (the same values either way).
 */
export function toEvalSet(name: string, split: Split, classes: number, limit = split.n, resident = false): EvalSet {
  const n = Math.min(limit, split.n);
  const f = split.features;
  const x = resident ? tf.tensor2d(leadingRows(split, n), [n, f]) : undefined;
  // One buffer for every chunk of a view split (a fresh one per chunk piles up as garbage: 10 MB per
  // evaluation of an 80k-row test set, which V8 collects only after tens of MB).
  let chunk: Float32Array | undefined;
  const rows = (start: number, size: number): tf.Tensor2D => {
    if (x !== undefined) return start === 0 && size === n ? x : sliceRowsOf(x, start, size);
    chunk ??= isView(split) ? new Float32Array(Math.min(CHUNK, n) * f) : undefined;
    return tf.tensor2d(rowBlock(split, start, size, chunk), [size, f]);
  };
  const set: EvalSet = {
    name,
    n,
    rows,
    y: tf.tensor1d(split.y.subarray(0, n), 'int32'),
    onehot: tf.tensor2d(oneHot(split.y.subarray(0, n), classes), [n, classes]),
  };
  if (x !== undefined) set.x = x;
  return set;
}

/** The whole features of a resident evaluation set (throws for a set uploaded chunk by chunk). */
export function residentX(set: EvalSet): tf.Tensor2D {
  if (set.x === undefined) throw new Error(`evaluation set ${set.name} is not on the backend whole`);
  return set.x;
}

/** Frees the tensors of evaluation sets. */
export function disposeEvalSets(sets: EvalSet[]): void {
  for (const s of sets) tf.dispose([...(s.x === undefined ? [] : [s.x]), s.y, s.onehot]);
}

/** Summed cross-entropy and number of correct argmax predictions of `logits` against the labels. */
export function lossAndCorrect(logits: tf.Tensor2D, y: tf.Tensor1D, onehot: tf.Tensor2D): [tf.Scalar, tf.Scalar] {
  const loss = tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits), onehot))) as tf.Scalar;
  const correct = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), y), 'float32')) as tf.Scalar;
  return [loss, correct];
}

/**
 * Mean cross-entropy and accuracy of the model in inference mode on each set, pulled to JS with a
 * single sync for all sets.
 */
export async function evaluate(mlp: Mlp, sets: EvalSet[]): Promise<Record<string, { loss: number; acc: number }>> {
  const sums = tf.tidy(() => {
    const parts: tf.Scalar[] = [];
    for (const s of sets) {
      let loss: tf.Scalar = tf.scalar(0);
      let correct: tf.Scalar = tf.scalar(0);
      for (let start = 0; start < s.n; start += CHUNK) {
        // Each chunk in its own tidy: its activations are freed before the next (one outer tidy kept every
        // chunk's, the whole set's activations at once: 99 MB of wasm heap for 80k x 32 rows).
        const [sumLoss, sumCorrect] = tf.tidy(() => {
          const size = Math.min(CHUNK, s.n - start);
          const x = s.rows(start, size);
          const y = s.n <= CHUNK ? s.y : sliceRowsOf(s.y, start, size);
          const onehot = s.n <= CHUNK ? s.onehot : sliceRowsOf(s.onehot, start, size);
          const [l, c] = lossAndCorrect(forwardInfer(mlp, x), y, onehot);
          return [tf.add(loss, l), tf.add(correct, c)];
        });
        tf.dispose([loss, correct]);
        loss = sumLoss as tf.Scalar;
        correct = sumCorrect as tf.Scalar;
      }
      parts.push(tf.div(loss, s.n), tf.div(correct, s.n));
    }
    return tf.stack(parts);
  });
  const values = await sums.data();
  sums.dispose();
  const out: Record<string, { loss: number; acc: number }> = {};
  sets.forEach((s, i) => (out[s.name] = { loss: values[2 * i] as number, acc: values[2 * i + 1] as number }));
  return out;
}
