import type { tf } from '../../tf.js';
import type { Backprop, BatchMoments } from '../ops.js';

/*
 * The contract of a BN variant (standard.ts, ghost.ts, renorm.ts; chosen by registry.ts). A variant owns
 * how a BN layer normalizes in training mode, how it folds the batch moments into the moving statistics,
 * its per-step schedule (a function of the step index: the model is never mutated between steps), and
 * what the probes must know about it. It is bound to the K models of a group (each model's own BN
 * momentum; the group shares the variant and its settings). Inference (moving, population, AdaBN,
 * test-batch statistics) is the same affine map for every variant and stays in mlp.ts.
 */

/** A BN layer of K models: γ, β and the moving statistics, each [K, 1, W] (γ, β frozen at 1, 0 when bnScale / bnCenter is off). */
export interface BnParams {
  gamma: tf.Variable<tf.Rank.R3>;
  beta: tf.Variable<tf.Rank.R3>;
  movingMean: tf.Variable<tf.Rank.R3>;
  movingVar: tf.Variable<tf.Rank.R3>;
}

/** What a training-mode BN call needs besides its input and parameters. */
export interface BnTrainOptions {
  /** The optimizer step being taken (0-based): sets per-step schedules such as Batch Renorm's limits. */
  step?: number;
  /** Normalize with the statistics of all rows (the probes' fixed probe set), whatever the variant's chunking. */
  wholeBatch?: boolean;
  /**
   * Normalize each chunk of this many consecutive rows with its own statistics, as training does with one
   * batch per chunk (the BN-noise probe; forward only, no moments); rows must be a multiple of it.
   */
  chunkRows?: number;
  /** Receives the batch moments (kept tensors; the receiver disposes them or hands them to updateMoving). */
  onMoments?: (m: BatchMoments) => void;
  /** Records the op (inputs x, γ, β) for the training step's explicit backward pass. */
  tape?: Backprop;
}

/** One BN variant, bound to the configs of a group's K models (momentum, ε and the variant's own settings). */
export interface BnVariant {
  /** The registry name (registry.ts). */
  readonly name: string;
  /** Rows per BN statistic in training for batches of `batch` rows (population statistics, BN-noise probes). */
  statRows(batch: number): number;
  /** BN in training mode on x [K, rows, units] with a closed-form backward (recorded on `opts.tape`). */
  train(x: tf.Tensor3D, bn: BnParams, opts: BnTrainOptions): tf.Tensor3D;
  /** Folds moments handed out by `train` into the moving statistics. Call inside a tidy. */
  updateMoving(bn: BnParams, m: BatchMoments): void;
  /** Whether `train` reads the moving statistics (the probes then replay passes with the step's values). */
  readonly readsMoving: boolean;
}
