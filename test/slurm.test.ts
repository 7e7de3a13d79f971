import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../src/record/csv.js';
import { bin, experiment, root, run } from './helpers.js';

// A real cluster: a single-node Slurm (Debian's slurm-wlm + munge) on this machine runs
// experiments/deploy/slurm-sweep.sh, the documented example: a 2-task array job of `bn-exp run`
// (shard from SLURM_ARRAY_TASK_ID/COUNT), then a dependent merge job. The merged set must equal a local
// run. .ci/run installs and starts the cluster; without one this test is skipped, saying why.
const quick = experiment('quick.yaml');
const args = ['--set', 'train.steps=60', '--set', 'train.evalEvery=20', '--set', 'seeds=1', '--backend', 'wasm'];

// Every program here is started asynchronously: a test worker blocked for long (starting Slurm can take a
// minute on a loaded machine) misses vitest's RPC deadline.
const has = async (cmd: string): Promise<boolean> => (await run('sh', ['-c', `command -v ${cmd}`])).code === 0;

/** The environment to reach a running Slurm cluster (starting one if we may), or why there is none. */
async function findCluster(): Promise<{ env: NodeJS.ProcessEnv } | { skip: string }> {
  if (process.env.BN_EXP_SKIP_SLURM === '1') return { skip: 'BN_EXP_SKIP_SLURM=1' };
  if (!(await has('sbatch'))) return { skip: 'Slurm is not installed (no sbatch on PATH); `bash .ci/slurm-up.sh` as root installs and starts one' };
  const up = async (env: NodeJS.ProcessEnv): Promise<boolean> => {
    const r = await run('sinfo', ['-h', '-o', '%T'], { env, timeout: 10_000 });
    return r.code === 0 && /^(idle|mixed|allocated)/m.test(r.stdout);
  };
  if (await up(process.env)) return { env: process.env };
  if (process.getuid?.() !== 0 || !(await has('slurmctld')) || !(await has('munged'))) {
    return { skip: 'no Slurm controller answers (sinfo) and starting one needs root, slurmctld and munged' };
  }
  const start = await run('bash', [path.join(root, '.ci', 'slurm-up.sh')], { timeout: 60_000 });
  const conf = /^SLURM_CONF=(.+)$/m.exec(start.stdout)?.[1];
  if (start.code !== 0 || conf === undefined) {
    return { skip: `could not start a single-node Slurm cluster: ${start.stderr.trim().split('\n').slice(-3).join(' / ')}` };
  }
  const env = { ...process.env, SLURM_CONF: conf };
  return (await up(env)) ? { env } : { skip: `started Slurm with ${conf}, but its node is not up` };
}

const cluster = await findCluster();
const skip = 'skip' in cluster ? cluster.skip : undefined;
if (skip !== undefined) console.warn(`[slurm test skipped] ${skip}`);

describe('Slurm array job', () => {
  it.skipIf(skip !== undefined)(
    `runs shards as a 2-task array job and merges them into the local result${skip === undefined ? '' : ` (skipped: ${skip})`}`,
    async () => {
      const env = 'env' in cluster ? cluster.env : process.env;
      const dir = mkdtempSync(path.join(os.tmpdir(), 'bn-exp-slurm-'));
      const out = path.join(dir, 'cluster');
      // The local run (no report: only its CSVs are compared) trains while Slurm schedules the jobs.
      const local = path.join(dir, 'local');
      const [submit, r] = await Promise.all([
        run('bash', [path.join(root, 'experiments', 'deploy', 'slurm-sweep.sh')], {
          timeout: 150_000,
          env: { ...env, CONFIG: quick, OUT: out, SHARDS: '2', ARGS: args.join(' '), BN_EXP: `${process.execPath} ${bin}`, WAIT: '1' },
        }),
        run(process.execPath, [bin, 'run', quick, '--out', local, '--quiet', '--no-report', ...args]),
      ]);
      const logs = async (): Promise<string> => (await run('sh', ['-c', `cat ${out}/slurm-*.out`])).stdout;
      expect(submit.code, `${submit.stdout}\n${submit.stderr}\n${submit.code === 0 ? '' : await logs()}`).toBe(0);
      expect(r.code, r.stderr).toBe(0);

      const merged = path.join(out, 'merged');
      const read = (d: string, f: string): string => readFileSync(path.join(d, f), 'utf8');
      expect(read(merged, 'curves.csv')).toBe(read(local, 'curves.csv'));
      const noWall = (d: string) => parseCsv(read(d, 'runs.csv')).map(({ wall_s: _, ...rest }) => rest);
      expect(noWall(merged)).toEqual(noWall(local));
      const shards = (JSON.parse(read(merged, 'manifest.json')) as { mergedFrom: { shard: unknown }[] }).mergedFrom.map((m) => m.shard);
      expect(shards).toEqual([
        { index: 1, count: 2 },
        { index: 2, count: 2 },
      ]);
    },
  );
});
