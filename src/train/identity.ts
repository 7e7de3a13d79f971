import { tf } from '../tf.js';
import { forwardBatchStats, forwardInfer, forwardTrain, type Mlp } from '../model/mlp.js';
import { batchNormTrain } from '../model/bn/standard.js';
import { residentX, type EvalSet } from './evaluate.js';

/** What `bn-exp identity` shows on a trained network and one evaluation set. */
export interface IdentityReport {
  /** Per BN layer: max |BN(z) − z| with γ = sqrt(σ²_B + ε), β = μ_B, and max |z| for scale. */
  layers: { name: string; maxDiff: number; maxAbs: number }[];
  /** Largest difference of any logit between two inputs, and the number of distinct predicted classes. */
  batchOfOne: { spread: number; classes: number };
  moving: { spread: number; classes: number };
}

/**
 * The identity check (Ioffe & Szegedy Sec. 3) on each BN layer's input on `set` (resident; training mode, the set
 * as one batch), and the batch-of-one check: with test-batch statistics over batches of one row the
 * logits are the same for every input; with the moving statistics they are not. `step` sets the BN
 * schedules of the training-mode pass (Batch Renorm's limits): the trained model's last step.
 */
export async function identityReport(mlp: Mlp, set: EvalSet, step = 0): Promise<IdentityReport> {
  const eps = mlp.config.bnEpsilon;
  const names: string[] = [];
  const spreadAndClasses = (logits: tf.Tensor2D): [tf.Scalar, tf.Tensor1D] => [
    tf.max(tf.abs(tf.sub(logits, tf.slice(logits, [0, 0], [1, -1])))) as tf.Scalar,
    tf.argMax(logits, 1) as tf.Tensor1D,
  ];
  const x = residentX(set);
  const parts = tf.tidy(() => {
    const inputs: tf.Tensor2D[] = [];
    if (mlp.inputBn) {
      inputs.push(x);
      names.push('input');
    }
    forwardTrain(mlp, x, {
      step,
      wholeBatch: true,
      onBnInput: (l, z) => {
        inputs.push(tf.squeeze<tf.Tensor2D>(z, [0])); // the model's [rows, units]
        names.push(`hidden ${l + 1}`);
      },
    });
    const checks = inputs.flatMap((z) => {
      const { mean, variance } = tf.moments(z, 0);
      const y = batchNormTrain(z, tf.sqrt(tf.add(variance, eps)) as tf.Tensor1D, mean as tf.Tensor1D, eps);
      return [tf.max(tf.abs(tf.sub(y, z))), tf.max(tf.abs(z))];
    });
    return [...checks, ...spreadAndClasses(forwardBatchStats(mlp, x, 1)), ...spreadAndClasses(forwardInfer(mlp, x))];
  });
  const values = await Promise.all(parts.map((t) => t.data()));
  tf.dispose(parts);
  const n = names.length;
  const stat = (i: number): { spread: number; classes: number } => ({
    spread: values[2 * n + 2 * i]![0]!,
    classes: new Set(values[2 * n + 2 * i + 1]!).size,
  });
  return {
    layers: names.map((name, i) => ({ name, maxDiff: values[2 * i]![0]!, maxAbs: values[2 * i + 1]![0]! })),
    batchOfOne: stat(0),
    moving: stat(1),
  };
}
