/** Backends bn-exp can run on; `auto` = node when installed, else wasm, else cpu. */
export const BACKENDS = ['auto', 'node', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKENDS)[number];
