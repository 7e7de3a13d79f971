import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

// The deploy examples stay consistent with themselves and with bn-exp's flags. (The Slurm one is also
// run for real by slurm.test.ts when a cluster is available.)
const deploy = fileURLToPath(new URL('../experiments/deploy/', import.meta.url));
const read = (f: string): string => readFileSync(path.join(deploy, f), 'utf8');
const shellOk = (shell: string, script: string): boolean => spawnSync(shell, ['-n', '-c', script]).status === 0;

type Container = { args?: string[]; env?: { name: string; value: string }[] };
type JobDoc = { kind: string; metadata: { name: string }; spec: Record<string, unknown> & { template: { spec: { containers: Container[]; initContainers?: Container[] } } } };

describe('experiments/deploy', () => {
  it('slurm-sweep.sh is valid bash and runs bn-exp run (shard from the Slurm env, resumable) and merge', () => {
    const script = read('slurm-sweep.sh');
    expect(shellOk('bash', script)).toBe(true);
    expect(script).toMatch(/\$BN_EXP run "\$CONFIG" --out "\$OUT\/shard-\$SLURM_ARRAY_TASK_ID" .*--resume/);
    expect(script).toMatch(/\$BN_EXP run .*--no-report/); // no partial per-shard report
    expect(script).not.toMatch(/\$BN_EXP merge .*--no-report/); // merge writes the summaries and the report
    expect(script).toContain('$BN_EXP merge "$OUT"/shard-* --out "$OUT/merged"');
    expect(script).toContain('--dependency="afterok:');
  });

  it('k8s-indexed-job.yaml: shard count agrees across completions, JOB_COMPLETIONS and the merge wait', () => {
    const docs = parseAllDocuments(read('k8s-indexed-job.yaml')).map((d) => d.toJS() as JobDoc);
    const shards = docs.find((d) => d.metadata.name === 'bn-exp-shards')!;
    const merge = docs.find((d) => d.metadata.name === 'bn-exp-merge')!;
    expect(shards.spec.completionMode).toBe('Indexed');
    const n = shards.spec.completions as number;
    const shard = shards.spec.template.spec.containers[0]!;
    expect(shard.env).toContainEqual({ name: 'JOB_COMPLETIONS', value: String(n) });
    expect(shard.args![0]).toMatch(/bn-exp run \S+ --out "\/results\/shard-\$JOB_COMPLETION_INDEX" .*--resume/);
    expect(shard.args![0]).toContain('--no-report');
    const wait = merge.spec.template.spec.initContainers![0]!.args![0]!;
    expect(wait).toContain(`-ge ${n} ]`);
    expect(merge.spec.template.spec.containers[0]!.args![0]).toContain('bn-exp merge /results/shard-* --out /results/merged');
    expect(merge.spec.template.spec.containers[0]!.args![0]).not.toContain('--no-report');
    for (const c of [shard, merge.spec.template.spec.initContainers![0]!, merge.spec.template.spec.containers[0]!]) {
      expect(shellOk('sh', c.args![0]!)).toBe(true);
    }
  });

  it('github-actions-check.yml: runs the experiment, checks it in two formats, uploads the folder, exits with the check', () => {
    const wf = parse(read('github-actions-check.yml')) as { env: Record<string, string>; jobs: { check: { steps: { run?: string; uses?: string; if?: string }[] } } };
    const runs = wf.jobs.check.steps.map((s) => s.run ?? '');
    expect(runs.some((r) => r.includes('npx bn-exp run "$CONFIG" $SHORTEN'))).toBe(true);
    const check = runs.find((r) => r.includes('bn-exp check'))!;
    expect(check).toContain('--format junit');
    expect(check).toContain('--format md');
    expect(check).toContain('exit $status');
    expect(shellOk('bash', check)).toBe(true);
    expect(wf.jobs.check.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'))!.if).toContain('!cancelled()');
    expect(wf.env.BASELINE).toMatch(/^results\/baselines\//);
  });

  it('github-actions-sweep.yml: a 1..n matrix of --shard k/n jobs, then a merge job of their artifacts', () => {
    const wf = parse(read('github-actions-sweep.yml')) as {
      jobs: Record<string, { needs?: string; strategy?: { matrix: { shard: number[] } }; steps: { run?: string; with?: Record<string, string> }[] }>;
    };
    const shard = wf.jobs.shard!;
    const n = shard.strategy!.matrix.shard.length;
    expect(shard.strategy!.matrix.shard).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    const run = shard.steps.map((s) => s.run ?? '').find((r) => r.includes('bn-exp run'))!;
    expect(run).toContain('--shard ${{ matrix.shard }}/${{ strategy.job-total }}');
    expect(run).toContain('--out results/shard-${{ matrix.shard }}');
    expect(run).toContain('--no-report');
    expect(wf.jobs.merge!.needs).toBe('shard');
    expect(wf.jobs.merge!.steps.map((s) => s.run)).toContain('npx bn-exp merge results/shard-* --out results/merged');
  });
});
