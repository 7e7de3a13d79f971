import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Shard } from '../plan/shard.js';
import type { Plan } from '../types.js';

const require = createRequire(import.meta.url);

function versionOf(pkg: string): string | null {
  try {
    return (require(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    return null;
  }
}

/** The bn-exp checkout's revision (with -dirty for local changes), null outside a git checkout. */
async function gitRevision(): Promise<string | null> {
  const opts = { timeout: 5000, cwd: fileURLToPath(new URL('.', import.meta.url)) };
  try {
    const { stdout } = await promisify(execFile)('git', ['rev-parse', 'HEAD'], opts);
    const { stdout: dirty } = await promisify(execFile)('git', ['status', '--porcelain', '--untracked-files=no'], opts);
    return stdout.trim() + (dirty.trim() === '' ? '' : '-dirty');
  } catch {
    return null;
  }
}

/**
 * manifest.json: the resolved config, the whole run list, the shard this folder holds (null for all runs),
 * versions, backend, platform and start time.
 */
export async function buildManifest(
  plan: Plan,
  ctx: { backend: string; configPath: string; argv: string[]; shard?: Shard; workers?: number; vectorize?: number; groupSizes?: number[] },
): Promise<Record<string, unknown>> {
  return {
    name: plan.config.name,
    description: plan.config.description,
    question: plan.config.question ?? null,
    configFile: ctx.configPath,
    command: ['bn-exp', ...ctx.argv].join(' '),
    config: plan.config,
    axes: plan.axes,
    seeds: plan.seeds,
    runs: plan.runs.map((r) => ({ id: r.id, index: r.index, seed: r.seed, params: r.params })),
    shard: ctx.shard ? { index: ctx.shard.index, count: ctx.shard.count, source: ctx.shard.source } : null,
    versions: {
      bnExp: (require('../../package.json') as { version: string }).version,
      node: process.version,
      tfjsCore: versionOf('@tensorflow/tfjs'),
      tfjsBackendWasm: versionOf('@tensorflow/tfjs-backend-wasm'),
      tfjsNode: versionOf('@tensorflow/tfjs-node'),
    },
    backend: ctx.backend,
    workers: ctx.workers ?? 1,
    vectorize: ctx.vectorize ?? 1, // the largest group allowed (run --vectorize, auto resolved)
    groupSizes: ctx.groupSizes ?? [], // the K of each group of runs trained as one batch of models (groups in plan order of their first run)
    platform: { os: `${os.type()} ${os.release()}`, arch: os.arch(), cpus: os.cpus().length, host: os.hostname() },
    gitRevision: await gitRevision(),
    startedAt: new Date().toISOString(),
    finishedAt: null,
  };
}
