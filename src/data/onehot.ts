/**
 * One-hot rows [n, classes] of integer labels, as float32. Built in JS because tfjs-backend-wasm 4.22's
 * OneHot kernel ignores the float32 dtype and writes integer bit patterns.
 */
export function oneHot(y: Int32Array, classes: number): Float32Array {
  const out = new Float32Array(y.length * classes);
  for (let i = 0; i < y.length; i++) out[i * classes + (y[i] as number)] = 1;
  return out;
}
