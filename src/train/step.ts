import { tf } from '../tf.js';
import { forwardTrain, trainableVariables, type LayerNoise, type Mlp, type TrainForwardHooks } from '../model/mlp.js';
import { Backprop, crossEntropyGradient, lossPerModel, type BatchMoments } from '../model/ops.js';
import type { Optimizer } from './optimizer.js';

/** What a probed step hands back for its K models (kept tensors; the receiver disposes them). */
export interface StepCapture {
  /** The gradient of every trainable variable ([K, ...]), by variable name: the one the optimizer applied. */
  grads: tf.NamedTensorMap;
  /** BN batch moments per hidden layer, [K, 1, W] (undefined for layers without BN). */
  moments: (BatchMoments | undefined)[];
  /** Each hidden layer's pre-activation on the batch, and the logits, [K, B, W]. */
  preActivations: tf.Tensor3D[];
  /** Each model's batch loss before the update, [K]. */
  loss: tf.Tensor1D;
}

/** What one step uses besides its batch: its index and its draws from the runs' streams. */
export interface StepOptions {
  /** The step's index (0-based): BN variants with a schedule (Batch Renorm) follow it. */
  step?: number;
  /** Dropout masks per hidden layer, [K, B, W] (see TrainForwardHooks.masks). */
  masks?: (tf.Tensor3D | undefined)[];
  /** Keep the step's gradients, BN moments and pre-activations for the probes. */
  capture?: boolean;
  /** Noisy-BN noise per hidden layer, [K, B, W]. */
  noise?: (LayerNoise | undefined)[];
}

/**
 * A compiled training step of K models, each on its own batch (x [K, B, features], onehot [K, B, classes]):
 * forward + explicit closed-form backward + optimizer update + BN moving averages.
 */
export type TrainStep = (x: tf.Tensor3D, onehot: tf.Tensor3D, opts?: StepOptions) => StepCapture | undefined;

/**
 * Makes the step closure once per group; it allocates nothing that outlives the call and never syncs
 * with JS (the loss stays on the backend). Every model's gradient is its own loss's (the summed loss adds
 * values only; see softmaxCrossEntropy), so a model's step does not depend on the others. With `capture`,
 * the step's own gradients, BN moments and pre-activations are kept for the probes, so probing costs no
 * extra forward or backward pass. The backward pass is explicit (Backprop): the forward records each op's
 * closed-form backward and the step calls them in reverse layer order, with no autodiff tape; the
 * gradients are bit-identical to tf.variableGrads' over the same ops.
 */
export function makeTrainStep(mlp: Mlp, optimizer: Optimizer): TrainStep {
  const vars = trainableVariables(mlp);
  return (x, onehot, { step, masks, capture = false, noise } = {}) => {
    const moments: (BatchMoments | undefined)[] = [];
    let inputMoments: BatchMoments | undefined;
    const pre: tf.Tensor3D[] = [];
    const hooks: TrainForwardHooks = { masks, step, onMoments: (l, m) => (moments[l] = m) };
    if (noise) hooks.noise = noise;
    if (mlp.inputBn) hooks.onInputMoments = (m) => (inputMoments = m);
    if (capture) hooks.onPreActivation = (l, a) => (pre[l] = tf.keep(a));
    let kept: tf.NamedTensorMap | undefined;
    let loss: tf.Tensor1D | undefined;
    try {
      tf.tidy(() => {
        const tape = new Backprop();
        const logits = forwardTrain(mlp, x, hooks, tape);
        if (capture) {
          pre.push(tf.keep(logits));
          loss = tf.keep(lossPerModel(logits, onehot));
        }
        const grads = tape.gradients(crossEntropyGradient(logits, onehot).dLogits, vars);
        if (capture) {
          kept = {};
          for (const [name, g] of Object.entries(grads)) kept[name] = tf.keep(g);
        }
        optimizer.apply(grads);
        mlp.hidden.forEach((layer, l) => {
          const m = moments[l];
          if (layer.bn && m) mlp.bn.updateMoving(layer.bn, m);
        });
        if (mlp.inputBn && inputMoments) mlp.bn.updateMoving(mlp.inputBn, inputMoments);
      });
    } finally {
      if (inputMoments) tf.dispose([inputMoments.mean, inputMoments.variance]);
    }
    if (capture && kept && loss) return { grads: kept, moments, preActivations: pre, loss };
    for (const m of moments) if (m) tf.dispose([m.mean, m.variance]);
    return undefined;
  };
}
