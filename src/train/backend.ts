import { tf } from '../tf.js';

import type { BackendChoice } from '../backends.js';

// A variable specifier keeps TypeScript from resolving the optional package at build time.
const TFJS_NODE = '@tensorflow/tfjs-node';

async function tryNode(): Promise<boolean> {
  try {
    await import(TFJS_NODE);
    return await tf.setBackend('tensorflow');
  } catch {
    return false;
  }
}

async function tryWasm(): Promise<boolean> {
  try {
    await import('@tensorflow/tfjs-backend-wasm');
    return await tf.setBackend('wasm');
  } catch {
    return false;
  }
}

async function tryCpu(): Promise<boolean> {
  return tf.setBackend('cpu'); // registered by @tensorflow/tfjs itself
}

/**
 * Activates the requested backend and returns the name of the one that runs. An explicit choice that
 * cannot start is an error; `auto` falls through node -> wasm -> cpu.
 */
export async function selectBackend(choice: BackendChoice): Promise<string> {
  // Production mode: no debug checks and no "install tfjs-node" banner on stdout.
  tf.env().set('PROD', true);
  const attempts: Record<Exclude<BackendChoice, 'auto'>, () => Promise<boolean>> = {
    node: tryNode,
    wasm: tryWasm,
    cpu: tryCpu,
  };
  const order: Exclude<BackendChoice, 'auto'>[] = choice === 'auto' ? ['node', 'wasm', 'cpu'] : [choice];
  for (const name of order) {
    if (await attempts[name]()) {
      await tf.ready();
      return tf.getBackend();
    }
  }
  throw new Error(
    choice === 'node'
      ? `backend "node" needs ${TFJS_NODE}, which is not installed or failed to load (npm install ${TFJS_NODE})`
      : `backend "${choice}" could not be started`,
  );
}
