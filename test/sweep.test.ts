import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bnExp, bnExpAsync, bnExpIn, experiment, manifest, noWall, root, rows, run, tmp as tmpIn } from './helpers.js';

// End to end, on the built CLI (npm test builds dist/ first): workers, interruption + resume, shards + merge.
// Spawned where the process matters (the reference run, a signal, plans computed in separate processes, what
// plan loads); the other commands run in process (bnExpIn), which spares a Node start-up each.
const quick = experiment('quick.yaml');
// quick.yaml's 4 cells x 2 seeds, shortened to 40 steps (evaluations at 0, 20, 40).
const EVAL_EVERY = 20;
const sweep = ['--set', 'train.steps=40', '--set', `train.evalEvery=${EVAL_EVERY}`, '--set', 'seeds=2', '--backend', 'wasm', '--quiet', '--no-report'];
const tmp = (): string => tmpIn('bn-exp-sweep-');

/** Expect `dir` to equal the straight run `ref`: curves.csv byte for byte, runs.csv apart from wall_s. */
function expectSameResults(dir: string, ref: string): void {
  expect(readFileSync(path.join(dir, 'curves.csv'), 'utf8')).toBe(readFileSync(path.join(ref, 'curves.csv'), 'utf8'));
  expect(noWall(dir)).toEqual(noWall(ref));
}

let straight: string;
beforeAll(async () => {
  straight = path.join(tmp(), 'straight');
  const r = await bnExp(['run', quick, '--out', straight, ...sweep]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(rows(straight, 'runs.csv')).toHaveLength(8);
});

describe('bn-exp run --workers / --resume', () => {
  it('stops cleanly on SIGINT mid-sweep; --resume with 2 workers finishes it; the folder equals a straight run', async () => {
    const out = path.join(tmp(), 'interrupted');
    // One worker that pauses 1.5 s before each task: however fast the machine, the signal sent after the
    // first commit lands before the sweep can end (a 40-step group trains in tens of milliseconds).
    const { child, done } = bnExpAsync(['run', quick, '--out', out, '--workers', '1', ...sweep], { env: { BN_EXP_TASK_DELAY_MS: '1500' } });
    // Two processes never write one folder: a second run into it is refused while the first holds its lock.
    while (!existsSync(path.join(out, '.bn-exp.lock')) && child.exitCode === null) await new Promise((r) => setTimeout(r, 20));
    const second = await bnExpIn(['run', quick, '--out', out, '--resume', ...sweep]);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/being written by another bn-exp \(pid \d+/);
    // Interrupt once at least one run is committed and before the sweep can end.
    const committed = (): number => (existsSync(path.join(out, 'runs.csv')) ? rows(out, 'runs.csv').length : 0);
    while (committed() < 1 && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    const stopped = await done;
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toContain('Stopped by SIGINT');
    expect(stopped.stderr).toContain('--resume');
    expect(stopped.stderr).not.toMatch(/\n\s+at /);

    // Valid CSVs holding only whole, committed runs.
    const keptRows = rows(out, 'runs.csv');
    const kept = keptRows.map((r) => r.run_id);
    expect(kept.length).toBeGreaterThanOrEqual(1);
    expect(kept.length).toBeLessThan(8);
    expect(new Set(rows(out, 'curves.csv').map((r) => r.run_id))).toEqual(new Set(kept));
    // Evaluations every EVAL_EVERY steps from 0 (a run that diverged stops at the evaluation that saw it).
    const evals = (steps: number): number => Math.floor(steps / EVAL_EVERY) + 1 + (steps % EVAL_EVERY === 0 ? 0 : 1);
    expect(rows(out, 'curves.csv')).toHaveLength(keptRows.reduce((n, r) => n + evals(Number(r.steps)), 0));
    expect(manifest(out).interruptions).toEqual([expect.objectContaining({ signal: 'SIGINT', runsSaved: kept.length })]);
    expect(existsSync(path.join(out, '.bn-exp.lock'))).toBe(false);

    const resumed = await bnExpIn(['run', quick, '--out', out, '--workers', '2', '--resume', ...sweep]);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expectSameResults(out, straight);
    expect(manifest(out).finishedAt).toEqual(expect.any(String));

    const again = await bnExpIn(['run', quick, '--out', out, '--resume', ...sweep.filter((a) => a !== '--quiet')]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('nothing to run');
  });

  it('refuses to resume into a folder of another experiment', async () => {
    const r = await bnExpIn(['run', quick, '--out', straight, '--resume', ...sweep, '--set', 'model.width=32']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('holds a different experiment');
  });
});

describe('shards and merge', () => {
  it('bn-exp plan: shards are disjoint and complete, computed in separate processes', async () => {
    const plan = async (args: string[]): Promise<{ count: number; runs: { id: string; index: number }[] }> =>
      JSON.parse((await bnExp(['plan', quick, '--json', ...args])).stdout) as { count: number; runs: { id: string; index: number }[] };
    const [all, ...parts] = await Promise.all([plan([]), ...[1, 2, 3].map((i) => plan(['--shard', `${i}/3`]))]);
    expect(all!.count).toBe(8);
    expect(parts.map((p) => p.count)).toEqual([3, 3, 2]);
    expect(parts[1]!.runs.map((r) => r.index)).toEqual([1, 4, 7]);
    const ids = parts.flatMap((p) => p.runs.map((r) => r.id));
    expect(new Set(ids).size).toBe(8);
    expect([...ids].sort()).toEqual(all!.runs.map((r) => r.id).sort());
  });

  it('bn-exp plan does not load TensorFlow.js (it is a CommonJS package: it would show in require.cache)', async () => {
    const script = `
      import { createRequire } from 'node:module';
      const { planCommand } = await import(${JSON.stringify(path.join(root, 'dist', 'cli', 'plan.js'))});
      console.log = () => {};
      await planCommand(${JSON.stringify(quick)}, { set: [], calibrate: false, backend: 'auto', json: true });
      const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('@tensorflow'));
      process.stderr.write(String(loaded.length));`;
    const r = await run(process.execPath, ['--input-type=module', '-e', script]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('0');
  });

  it('two shards (one from --shard, one from the Slurm env) merge into the straight run', async () => {
    const dir = tmp();
    const a = await bnExpIn(['run', quick, '--out', path.join(dir, 's1'), '--shard', '1/2', ...sweep]);
    const b = await bnExpIn(['run', quick, '--out', path.join(dir, 's2'), ...sweep], { env: { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '2' } });
    expect([a.code, b.code, a.stderr + b.stderr]).toEqual([0, 0, '']);
    expect(manifest(path.join(dir, 's2')).shard).toEqual({ index: 2, count: 2, source: 'SLURM_ARRAY_TASK_ID' });

    const partial = await bnExpIn(['merge', path.join(dir, 's1'), '--out', path.join(dir, 'partial'), '--no-report']);
    expect(partial.code).toBe(2);
    expect(partial.stderr).toContain('4 of 8 runs are in none of the folders');
    expect(partial.stdout).toContain('missing: run 2 ');
    const allowed = await bnExpIn(['merge', path.join(dir, 's1'), '--out', path.join(dir, 'partial'), '--allow-missing', '--no-report']);
    expect(allowed.code).toBe(0);
    expect(manifest(path.join(dir, 'partial')).missingRuns).toHaveLength(4);
    expect(allowed.stdout).toContain('1 folder, 4 of 8 runs found');
    expect(existsSync(path.join(dir, 'partial', 'summary.csv'))).toBe(true); // summaries always; the report skipped
    expect(existsSync(path.join(dir, 'partial', 'report.html'))).toBe(false);

    const merged = path.join(dir, 'merged');
    const m = await bnExpIn(['merge', path.join(dir, 's2'), path.join(dir, 's1'), '--out', merged]);
    expect(m.stderr).toBe('');
    expect(m.code).toBe(0);
    expectSameResults(merged, straight);
    expect(manifest(merged)).toMatchObject({ shard: null, backend: 'wasm', missingRuns: [] });
    expect((manifest(merged).mergedFrom as unknown[]).length).toBe(2);
    // merge finishes what run finishes: the summaries (as a straight run writes them) and the report.
    expect(m.stdout).toContain('2 folders, 8 of 8 runs found');
    for (const f of ['summary.csv', 'curves_summary.csv']) expect(readFileSync(path.join(merged, f), 'utf8')).toBe(readFileSync(path.join(straight, f), 'utf8'));
    expect(m.stdout).toContain(`report: ${path.join(merged, 'report.html')}`);
    expect(existsSync(path.join(merged, 'report.html'))).toBe(true);

    // A shard of another experiment (here: s2 with one run id of its manifest changed) is refused, naming why.
    const other = path.join(dir, 'other');
    cpSync(path.join(dir, 's2'), other, { recursive: true });
    const m2 = manifest(other) as { runs: { id: string }[] };
    m2.runs[0]!.id = '0000000000';
    writeFileSync(path.join(other, 'manifest.json'), JSON.stringify(m2));
    const bad = await bnExpIn(['merge', path.join(dir, 's1'), other, '--out', path.join(dir, 'bad'), '--no-report']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('not shards of one experiment: 1 of 8 run ids differ');
    expect(existsSync(path.join(dir, 'bad', 'runs.csv'))).toBe(false);
  });
});
