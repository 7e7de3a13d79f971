// TensorFlow.js for the whole project, loaded through require. Node's ESM import of tfjs's CommonJS
// bundle costs 0.5-1 s per thread (measured 2026-12-05; require: 0.15-0.25 s), paid by the CLI and by
// every worker thread at start-up. TypeScript emits this as createRequire; `tf` keeps the types.
import tf = require('@tensorflow/tfjs');

export { tf };
