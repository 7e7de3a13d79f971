import { readExperiment } from '../config/load.js';
import { expandPlan } from '../plan/expand.js';
import { UsageError } from '../errors.js';
import type { BackendChoice } from '../backends.js';
import { describeRun } from './progress.js';
import { requireBackendPackage } from './backend-check.js';

/**
 * `bn-exp identity`: trains the config's first run with a BN layer, then shows on its test set that
 * BN(x) = x with γ = sqrt(σ²_B + ε), β = μ_B, and that with batch statistics a batch of one gives every
 * input the same output.
 */
export async function identityCommand(configPath: string, opts: { set: string[]; backend: BackendChoice }): Promise<void> {
  const config = await readExperiment(configPath, opts.set);
  requireBackendPackage(opts.backend);
  const spec = expandPlan(config).runs.find((r) => r.model.batchNorm !== 'off' || r.model.inputBatchNorm);
  if (!spec) throw new UsageError(`${configPath}: no run has a BN layer (model.batchNorm or model.inputBatchNorm)`);
  const { selectBackend } = await import('../train/backend.js');
  const { trainRun } = await import('../train/loop.js');
  const { identityReport } = await import('../train/identity.js');
  const { openData } = await import('../data/load.js');
  // The data path `run` uses: synthetic, csv (resolved against the config file) and mnist alike;
  // a bad file or a missing package is a ConfigError / UsageError (exit 2) before any training.
  const store = await openData({ runs: [spec] }, configPath);
  const dataset = store.build(spec).dataset;
  await selectBackend(opts.backend);
  let report: Awaited<ReturnType<typeof identityReport>> | undefined;
  let n = 0;
  const result = await trainRun(spec, dataset, {
    onTrained: async (mlp, sets, lastStep) => {
      const test = sets.find((s) => s.name === 'test')!;
      n = test.n;
      report = await identityReport(mlp, test, lastStep);
    },
  });
  if (!report) throw new Error(`run ${spec.id} did not finish training (${result.status})`);
  const e = (x: number): string => x.toExponential(1);
  const lines = [
    `run ${spec.id} (${describeRun(spec)}), ${result.steps} steps (${result.status}), test set of ${n} examples`,
    '',
    'identity (Ioffe & Szegedy Sec. 3): gamma = sqrt(var_B + eps), beta = mu_B gives BN(z) = z',
    ...report.layers.map((l) => `  ${l.name.padEnd(9)} max |BN(z) - z| = ${e(l.maxDiff)}   (max |z| = ${l.maxAbs.toFixed(2)})`),
    '',
    'batch of one with batch statistics: the output no longer depends on the input',
    `  batch statistics, k = 1:  logits differ between inputs by at most ${e(report.batchOfOne.spread)}; predicted classes: ${report.batchOfOne.classes}`,
    `  moving statistics:        logits differ between inputs by at most ${e(report.moving.spread)}; predicted classes: ${report.moving.classes}`,
  ];
  console.log(lines.join('\n'));
}
