import { tf } from '../tf.js';
import { forwardTrain, trainableVariables, type Mlp, type TrainForwardHooks } from '../model/mlp.js';
import { Backprop, crossEntropyGradient } from '../model/ops.js';

/** The trainable variables of one layer: its weight matrix first, then bias / γ / β when present. */
export interface ParamGroup {
  /** 1..depth for hidden layers, depth+1 for the output layer. */
  layer: number;
  w: tf.Variable;
  vars: tf.Variable[];
}

/**
 * The model's trainable variables grouped by layer, input side first. Frozen variables (model.trainOnly,
 * bnScale/bnCenter off) are left out of `vars`; an input BN layer's γ/β count as part of layer 1.
 */
export function paramGroups(mlp: Mlp): ParamGroup[] {
  const trained = (vs: tf.Variable[]): tf.Variable[] => vs.filter((v) => v.trainable);
  const groups: ParamGroup[] = mlp.hidden.map((l, i) => ({
    layer: i + 1,
    w: l.w,
    vars: trained([
      ...(i === 0 && mlp.inputBn ? [mlp.inputBn.gamma, mlp.inputBn.beta] : []),
      l.w,
      ...(l.b ? [l.b] : []),
      ...(l.bn ? [l.bn.gamma, l.bn.beta] : []),
    ]),
  }));
  groups.push({ layer: mlp.hidden.length + 1, w: mlp.out.w, vars: trained([mlp.out.w, mlp.out.b]) });
  return groups;
}

/**
 * Loss (summed over the K models) and gradients on each model's batch ([K, B, ...]) in training mode (batch statistics, the given dropout masks and noise,
 * BN schedules at `step`), without touching BN's moving averages: the gradient a training step would use
 * (its explicit backward pass). Call inside a tidy.
 */
export function lossAndGrads(
  mlp: Mlp,
  x: tf.Tensor3D,
  onehot: tf.Tensor3D,
  masks?: (tf.Tensor3D | undefined)[],
  vars: tf.Variable[] = trainableVariables(mlp),
  onMoments?: TrainForwardHooks['onMoments'],
  noise?: TrainForwardHooks['noise'],
  step?: number,
): { loss: tf.Scalar; grads: tf.NamedTensorMap } {
  const hooks: TrainForwardHooks = { masks, step };
  if (onMoments) hooks.onMoments = onMoments;
  if (noise) hooks.noise = noise;
  const tape = new Backprop();
  const { dLogits, loss } = crossEntropyGradient(forwardTrain(mlp, x, hooks, tape), onehot, true);
  return { loss: loss!, grads: tape.gradients(dLogits, vars) };
}

/** Copies of the current values of some variables (to restore them exactly later). */
export function snapshot(vars: tf.Variable[]): tf.Tensor[] {
  return vars.map((v) => tf.clone(v));
}

/** Assigns saved values back to their variables (bit-exact). */
export function restore(vars: tf.Variable[], values: tf.Tensor[]): void {
  vars.forEach((v, i) => v.assign(values[i]!));
}
