import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../record/csv.js';

// End to end: spawn the built CLI (npm test builds dist/ first) as a user would.
const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = path.join(root, 'bin', 'bn-exp.js');

function bnExp(args: string[], cwd = root): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'bn-exp-cli-'));
const quick = path.join(root, 'experiments', 'quick.yaml');
// A shortened quick experiment: same sweep, fewer steps (the report has its own test: report.test.ts).
const short = ['--set', 'train.steps=60', '--set', 'train.evalEvery=20', '--set', 'seeds=1', '--quiet', '--no-report'];

describe('bn-exp CLI', () => {
  it('prints its version and help', () => {
    const v = bnExp(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const h = bnExp(['--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('run');
    expect(h.stdout).toContain('validate');
  });

  it('runs the quick experiment and writes manifest, runs.csv and curves.csv; identical on a re-run', () => {
    const a = path.join(tmp(), 'a');
    const b = path.join(tmp(), 'b');
    const ra = bnExp(['run', quick, '--out', a, '--backend', 'wasm', ...short]);
    expect(ra.stderr).toBe('');
    expect(ra.code).toBe(0);
    const manifest = JSON.parse(readFileSync(path.join(a, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest.backend).toBe('wasm');
    expect((manifest.runs as unknown[]).length).toBe(4);
    const runs = parseCsv(readFileSync(path.join(a, 'runs.csv'), 'utf8'));
    expect(runs).toHaveLength(4);
    expect(Object.keys(runs[0]!)).toEqual(expect.arrayContaining(['run_id', 'seed', 'model.batchNorm', 'model.depth', 'status', 'final_test_acc', 'steps_to_target', 'wall_s']));
    // lr 0.3 is large on purpose: a plain deep net may diverge, which is data, not a failure.
    for (const r of runs) expect(['ok', 'diverged']).toContain(r.status);
    expect(runs.filter((r) => r.status === 'ok').length).toBeGreaterThanOrEqual(2);
    const curves = parseCsv(readFileSync(path.join(a, 'curves.csv'), 'utf8'));
    const perRun = (id: string | undefined): number => curves.filter((c) => c.run_id === id).length;
    for (const r of runs.filter((row) => row.status === 'ok')) expect(perRun(r.run_id)).toBe(4); // steps 0, 20, 40, 60
    // every run measures its data: the train/test reference pair, per run and per feature
    const shifts = parseCsv(readFileSync(path.join(a, 'shifts.csv'), 'utf8'));
    expect(shifts.map((r) => [r.shift, r.family])).toEqual(new Array(4).fill(['test', 'none']));
    expect(parseCsv(readFileSync(path.join(a, 'shift_features.csv'), 'utf8'))).toHaveLength(4 * 20);
    expect((manifest.shifts as { name: string; measured: { runs: number } }[]).map((s) => [s.name, s.measured.runs])).toEqual([['test', 4]]);

    const rb = bnExp(['run', quick, '--out', b, '--backend', 'wasm', ...short]);
    expect(rb.code).toBe(0);
    expect(readFileSync(path.join(b, 'curves.csv'), 'utf8')).toBe(readFileSync(path.join(a, 'curves.csv'), 'utf8'));
    const noWall = (dir: string) => parseCsv(readFileSync(path.join(dir, 'runs.csv'), 'utf8')).map(({ wall_s: _wall, ...rest }) => rest);
    expect(noWall(b)).toEqual(noWall(a));

    // Never silently overwrite a result set.
    const again = bnExp(['run', quick, '--out', a, '--backend', 'wasm', ...short]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(a);
    expect(again.stderr).not.toMatch(/\n\s+at /); // no stack trace
  }, 60_000); // three CLI processes, two of them training: slow on a loaded 2-core machine

  it('default flags vectorize (runs of a cell differing in seed and learning rate share a step) and write the bytes of --vectorize 1', () => {
    const grouped = ['--set', 'train.steps=40', '--set', 'train.evalEvery=20', '--set', 'seeds=2', '--set', 'sweep.train.learningRate=[0.1, 0.3]', '--quiet', '--no-report'];
    const one = path.join(tmp(), 'one');
    const auto = path.join(tmp(), 'auto');
    expect(bnExp(['run', quick, '--out', one, '--backend', 'wasm', '--vectorize', '1', ...grouped]).code).toBe(0);
    const r = bnExp(['run', quick, '--out', auto, '--backend', 'wasm', ...grouped]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const vectorize = (dir: string) => (JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { vectorize: number }).vectorize;
    expect(vectorize(one)).toBe(1);
    expect(vectorize(auto)).toBeGreaterThan(1); // 4 runs per (batchNorm, depth) cell can share a step
    // On wasm a vectorized group does the same float operations in the same order per model as separate runs.
    expect(readFileSync(path.join(auto, 'curves.csv'), 'utf8')).toBe(readFileSync(path.join(one, 'curves.csv'), 'utf8'));
    const rows = (dir: string) => parseCsv(readFileSync(path.join(dir, 'runs.csv'), 'utf8')).map(({ wall_s: _wall, ...rest }) => rest);
    expect(rows(auto)).toEqual(rows(one));
  }, 180_000); // two CLI processes training: slow on a loaded 2-core machine

  it.each([
    ['malformed YAML', 'name: x\nmodel: [unclosed\n', 'bad.yaml'],
    ['unknown key with a suggestion', 'name: x\ntrain: { steps: 5 }\nmodel: { batchNrom: before }\n', 'batchNorm'],
    ['wrong type', 'name: x\ntrain: { steps: "many" }\n', 'train.steps'],
    ['batch larger than the training set', 'name: x\ndata: { trainSize: 100 }\ntrain: { steps: 5, batchSize: 200 }\n', 'train.batchSize'],
    ['depth < 1', 'name: x\ntrain: { steps: 5 }\nmodel: { depth: 0 }\n', 'model.depth'],
    ['dropout outside [0,1)', 'name: x\ntrain: { steps: 5 }\nmodel: { dropout: 1 }\n', 'model.dropout'],
  ])('rejects %s with exit 2, the file and the path, and no stack', (_name, text, expected) => {
    const dir = tmp();
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, text);
    const r = bnExp(['run', file, '--out', path.join(dir, 'out')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bad.yaml');
    expect(r.stderr).toContain(expected);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(path.join(dir, 'out', 'runs.csv'))).toBe(false);
  });

  it('rejects a missing file and an unknown backend with exit 2', () => {
    const missing = bnExp(['run', 'no-such-file.yaml']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no-such-file.yaml');
    const backend = bnExp(['run', quick, '--backend', 'gpu']);
    expect(backend.code).toBe(2);
    expect(backend.stderr).toContain('gpu');
  });

  it('validates every shipped experiment', () => {
    const files = readdirSync(path.join(root, 'experiments')).filter((f) => /\.(ya?ml|json)$/.test(f));
    expect(files.length).toBeGreaterThan(1);
    for (const file of files) {
      const r = bnExp(['validate', path.join(root, 'experiments', file)]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
  });
});
