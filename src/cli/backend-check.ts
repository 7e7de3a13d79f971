import { createRequire } from 'node:module';
import type { BackendChoice } from '../backends.js';
import { UsageError } from '../errors.js';

const TFJS_NODE = '@tensorflow/tfjs-node';

/**
 * `--backend node` needs the optional peer @tensorflow/tfjs-node: say how to install it (exit 2) before
 * any worker starts, instead of failing inside one. Whether it then loads is checked when it starts.
 */
export function requireBackendPackage(choice: BackendChoice): void {
  if (choice !== 'node') return;
  try {
    createRequire(import.meta.url).resolve(TFJS_NODE);
  } catch {
    const pkg = createRequire(import.meta.url)('../../package.json') as { peerDependencies?: Record<string, string> };
    const version = pkg.peerDependencies?.[TFJS_NODE];
    throw new UsageError(
      `--backend node needs ${TFJS_NODE}, which is not installed. Install it next to bn-exp:\n` +
        `  npm install ${TFJS_NODE}${version ? `@${version}` : ''}\n` +
        `or use --backend wasm (no native build; same results on every machine).`,
    );
  }
}
