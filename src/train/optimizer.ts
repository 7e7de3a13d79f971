import { tf } from '../tf.js';
import type { TrainConfig } from '../config/schema.js';
import { scaledSums } from '../model/fused.js';

/** An optimizer over K-first [K, ...] variables with per-model hyperparameters (a single run: K = 1). */
export interface Optimizer {
  /** One update of every variable from its gradient (gradients by variable name, as tf.variableGrads). */
  apply(grads: tf.NamedTensorMap): void;
  dispose(): void;
}

type Settings = Pick<TrainConfig, 'optimizer' | 'learningRate' | 'momentum'>;

/** A [K, 1, 1] tensor of per-model values, broadcasting over each model's [in, out] or [1, W] slice (kept). */
function perModel(values: number[]): tf.Tensor3D {
  return tf.keep(tf.tensor3d(values, [values.length, 1, 1]));
}

/** A zero state variable per parameter, made on first use (as tfjs's optimizers do). */
function stateOf(store: Map<string, tf.Variable>, name: string, like: tf.Tensor): tf.Variable {
  let v = store.get(name);
  if (!v) {
    v = tf.tidy(() => tf.variable(tf.zerosLike(like), false));
    store.set(name, v);
  }
  return v;
}

function valueOf(name: string): tf.Variable {
  const v = tf.engine().registeredVariables[name];
  if (!v) throw new Error(`optimizer: no variable named ${name}`);
  return v;
}

/**
 * sgd, momentum and adam on K-first variables, with exactly tfjs 4.22's update formulas (tfjs-core
 * src/optimizers/{sgd,momentum,adam}_optimizer.ts) and the learning rate (and momentum) of each model
 * as a [K, 1, 1] tensor:
 *   sgd:      w <- (−lr)·g + w
 *   momentum: a <- m·a + g;  w <- (−lr)·a + w        (no Nesterov, as tf.train.momentum's default)
 *   adam:     m <- β1·m + (1−β1)·g;  v <- β2·v + (1−β2)·g²;  w <- (m/(1−β1ᵗ)) / (sqrt(v/(1−β2ᵗ)) + ε) · (−lr) + w
 *             with tf.train.adam's defaults β1 = 0.9, β2 = 0.999, ε = the backend's epsilon (1e-7 in float32).
 * The optimizer kind is shared by the K models (the runner groups only runs that agree on it). sgd's and
 * momentum's updates of all variables take one dispatch each on wasm (model/fused.ts), bit-identical.
 */
export function makeOptimizer(trains: Settings[]): Optimizer {
  const kind = trains[0]!.optimizer;
  if (trains.some((t) => t.optimizer !== kind)) throw new Error('optimizer: the models must share the optimizer kind');
  if (!['sgd', 'momentum', 'adam'].includes(kind)) throw new Error(`unsupported optimizer ${String(kind)}`); // before any tensor exists
  const negLrs = trains.map((t) => -t.learningRate);
  const negLr = perModel(negLrs);
  const owned: tf.Tensor[] = [negLr];
  const ones = trains.map(() => 1);
  /** Every w <- (−lr)·u + w in one dispatch (fused.ts; bit-identical to tf.add(tf.mul(negLr, u), w)). */
  const step = (updates: [tf.Variable, tf.Tensor][]): void => {
    const next = scaledSums(
      updates.map(([w, u]) => [u, w]),
      negLrs,
      ones,
    );
    updates.forEach(([w], i) => w.assign(next[i]!));
    tf.dispose(next);
  };
  switch (kind) {
    case 'sgd':
      return {
        apply: (grads) => step(Object.entries(grads).map(([name, g]) => [valueOf(name), g])),
        dispose: () => tf.dispose(owned),
      };
    case 'momentum': {
      const momenta = trains.map((t) => t.momentum);
      const acc = new Map<string, tf.Variable>();
      return {
        apply: (grads) => {
          const entries = Object.entries(grads).map(([name, g]) => {
            const w = valueOf(name);
            return { w, g, a: stateOf(acc, name, w) };
          });
          // a <- m·a + g for every variable, then w <- (−lr)·a + w: two dispatches.
          const next = scaledSums(
            entries.map(({ a, g }) => [a, g]),
            momenta,
            ones,
          );
          entries.forEach(({ a }, i) => a.assign(next[i]!));
          tf.dispose(next);
          step(entries.map(({ w, a }) => [w, a]));
        },
        dispose: () => tf.dispose([...owned, ...acc.values()]),
      };
    }
    case 'adam':
      return adam(negLr);
    default:
      throw new Error(`unsupported optimizer ${String(kind satisfies never)}`);
  }
}

function adam(negLr: tf.Tensor3D): Optimizer {
  const beta1 = 0.9;
  const beta2 = 0.999;
  const epsilon = tf.backend().epsilon();
  // β1ᵗ and β2ᵗ: one pair for all K models (they step together and share β1, β2).
  const accBeta1 = tf.tidy(() => tf.variable(tf.scalar(beta1), false));
  const accBeta2 = tf.tidy(() => tf.variable(tf.scalar(beta2), false));
  const first = new Map<string, tf.Variable>();
  const second = new Map<string, tf.Variable>();
  return {
    apply: (grads) =>
      tf.tidy(() => {
        const oneMinusAccBeta1 = tf.sub(1, accBeta1);
        const oneMinusAccBeta2 = tf.sub(1, accBeta2);
        for (const [name, g] of Object.entries(grads)) {
          const w = valueOf(name);
          const m = stateOf(first, name, w);
          const v = stateOf(second, name, w);
          const newM = tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1));
          const newV = tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2));
          const mHat = tf.div(newM, oneMinusAccBeta1);
          const vHat = tf.div(newV, oneMinusAccBeta2);
          m.assign(newM);
          v.assign(newV);
          w.assign(tf.add(tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), epsilon)), negLr), w));
        }
        accBeta1.assign(tf.mul(accBeta1, beta1));
        accBeta2.assign(tf.mul(accBeta2, beta2));
      }),
    dispose: () => tf.dispose([negLr, accBeta1, accBeta2, ...first.values(), ...second.values()]),
  };
}
