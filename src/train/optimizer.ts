import * as tf from '@tensorflow/tfjs';
import type { TrainConfig } from '../config/schema.js';

/** The tfjs optimizer named by the config (sgd, momentum with `train.momentum`, adam with its defaults). */
export function makeOptimizer(train: Pick<TrainConfig, 'optimizer' | 'learningRate' | 'momentum'>): tf.Optimizer {
  switch (train.optimizer) {
    case 'sgd':
      return tf.train.sgd(train.learningRate);
    case 'momentum':
      return tf.train.momentum(train.learningRate, train.momentum);
    case 'adam':
      return tf.train.adam(train.learningRate);
    default:
      throw new Error(`unsupported optimizer ${String(train.optimizer satisfies never)}`);
  }
}

/**
 * Disposes an optimizer and its state. tfjs 4.22's MomentumOptimizer.dispose() overrides SGD's and
 * forgets the kept learning-rate scalar `c`, leaking one tensor per run; dispose it here.
 */
export function disposeOptimizer(optimizer: tf.Optimizer): void {
  const c = (optimizer as unknown as { c?: tf.Tensor }).c;
  optimizer.dispose();
  if (optimizer instanceof tf.MomentumOptimizer && c && !c.isDisposed) c.dispose();
}
