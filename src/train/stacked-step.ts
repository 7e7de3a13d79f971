import * as tf from '@tensorflow/tfjs';
import { stackedForwardTrain, stackedTrainables, type StackedBn, type StackedMlp } from '../model/stacked-mlp.js';
import { stackedSoftmaxCrossEntropy, type StackedMoments } from '../model/stacked-ops.js';
import type { StackedOptimizer } from './stacked-optimizer.js';

/** The training step of K models: forward, closed-form backward, optimizer update, BN moving averages. */
export interface StackedTrainer {
  /** One step of every model on its own batch: x [K, B, features], onehot [K, B, classes], masks [K, B, W]. */
  step(x: tf.Tensor3D, onehot: tf.Tensor3D, masks?: tf.Tensor3D[]): void;
  /** Disposes the trainer's own tensors (not the model nor the optimizer). */
  dispose(): void;
}

/** tfjs/Keras convention, per model: moving <- momentum·moving + (1 − momentum)·batch (biased variance). */
function updateMoving(bn: StackedBn, m: StackedMoments, mom: tf.Tensor3D, oneMinus: tf.Tensor3D): void {
  bn.movingMean.assign(tf.add(tf.mul(bn.movingMean, mom), tf.mul(m.mean, oneMinus)));
  bn.movingVar.assign(tf.add(tf.mul(bn.movingVar, mom), tf.mul(m.variance, oneMinus)));
}

/**
 * The step of train/step.ts for K stacked models. It never syncs with JS, and every model's gradient is
 * its own loss's (the summed loss adds values only; see stackedSoftmaxCrossEntropy).
 */
export function makeStackedTrainer(s: StackedMlp, optimizer: StackedOptimizer): StackedTrainer {
  const vars = stackedTrainables(s);
  // Per-model BN momentum, and 1 − momentum computed in JS as model/moving.ts does.
  const mom = tf.tensor3d(s.configs.map((c) => c.bnMomentum), [s.k, 1, 1]);
  const oneMinus = tf.tensor3d(s.configs.map((c) => 1 - c.bnMomentum), [s.k, 1, 1]);
  return {
    step(x, onehot, masks) {
      const moments: StackedMoments[] = [];
      const hooks = { ...(masks ? { masks } : {}), onMoments: (l: number, m: StackedMoments) => (moments[l] = m) };
      try {
        tf.tidy(() => {
          const { grads } = tf.variableGrads(() => stackedSoftmaxCrossEntropy(stackedForwardTrain(s, x, hooks), onehot), vars);
          optimizer.apply(grads);
          s.hidden.forEach((layer, l) => {
            const m = moments[l];
            if (layer.bn && m) updateMoving(layer.bn, m, mom, oneMinus);
          });
        });
      } finally {
        for (const m of moments) if (m) tf.dispose([m.mean, m.variance]);
      }
    },
    dispose: () => tf.dispose([mom, oneMinus]),
  };
}
