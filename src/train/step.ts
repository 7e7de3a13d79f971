import * as tf from '@tensorflow/tfjs';
import { forwardTrain, trainableVariables, type Mlp } from '../model/mlp.js';
import { softmaxCrossEntropy, type BatchMoments } from '../model/ops.js';

/** A compiled training step: forward + closed-form backward + optimizer update + BN moving averages. */
export type TrainStep = (x: tf.Tensor2D, onehot: tf.Tensor2D, masks?: (tf.Tensor2D | undefined)[]) => void;

/**
 * Makes the step closure once per run; it allocates nothing that outlives the call and never syncs
 * with JS (the loss stays on the backend).
 */
export function makeTrainStep(mlp: Mlp, optimizer: tf.Optimizer): TrainStep {
  const vars = trainableVariables(mlp);
  const momentum = mlp.config.bnMomentum;
  return (x, onehot, masks) => {
    const moments: (BatchMoments | undefined)[] = [];
    tf.tidy(() => {
      const { grads } = tf.variableGrads(
        () => softmaxCrossEntropy(forwardTrain(mlp, x, { masks, onMoments: (l, m) => (moments[l] = m) }), onehot),
        vars,
      );
      optimizer.applyGradients(grads);
      // tfjs/Keras convention: moving <- momentum·moving + (1 − momentum)·batch (biased batch variance).
      mlp.hidden.forEach((layer, l) => {
        const m = moments[l];
        if (!layer.bn || !m) return;
        layer.bn.movingMean.assign(tf.add(tf.mul(layer.bn.movingMean, momentum), tf.mul(m.mean, 1 - momentum)));
        layer.bn.movingVar.assign(tf.add(tf.mul(layer.bn.movingVar, momentum), tf.mul(m.variance, 1 - momentum)));
      });
    });
    for (const m of moments) if (m) tf.dispose([m.mean, m.variance]);
  };
}
