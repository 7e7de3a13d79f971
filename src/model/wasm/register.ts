import { tf } from '../../tf.js';

/** What tfjs hands a kernel function. */
export type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

const registered = new Set<string>();

/**
 * Registers one of bn-exp's kernels on the wasm backend, once per process (a kernel may already be there
 * when another copy of this module registered it), with its gradient for autodiff when given.
 */
export function registerWasmKernel(
  name: string,
  kernelFunc: (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[],
  gradFunc?: tf.GradConfig['gradFunc'],
  inputsToSave?: string[],
): void {
  if (registered.has(name)) return;
  if (!tf.getKernel(name, 'wasm')) {
    tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: kernelFunc as unknown as tf.KernelFunc });
    if (gradFunc) tf.registerGradient({ kernelName: name, inputsToSave: inputsToSave ?? [], gradFunc });
  }
  registered.add(name);
}
