import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { float32Text, parseCsv } from '../src/record/csv.js';
import { bnExp, bnExpIn, experiment, root, tmp as tmpIn } from './helpers.js';

// End to end: the built CLI (npm test builds dist/ first) as a user would run it: spawned where the process
// matters (the bin shim, a training run and its re-run in another process), in process (bnExpIn) where the
// command's logic is under test.
const tmp = (): string => tmpIn('bn-exp-cli-');
const hasTfjsNode = ((): boolean => {
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
})();
const quick = experiment('quick.yaml');
// A shortened quick experiment: same sweep, few steps (the report has its own test: report.test.ts).
const short = ['--set', 'train.steps=30', '--set', 'train.evalEvery=10', '--set', 'seeds=1', '--quiet', '--no-report'];

describe('bn-exp CLI', () => {
  it('prints its version and help', async () => {
    const v = await bnExp(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const h = await bnExp(['--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('run');
    expect(h.stdout).toContain('validate');
  });

  it('runs the quick experiment and writes manifest, runs.csv and curves.csv; identical on a re-run', async () => {
    const a = path.join(tmp(), 'a');
    const b = path.join(tmp(), 'b');
    const ra = await bnExp(['run', quick, '--out', a, '--backend', 'wasm', ...short]);
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
    for (const r of runs.filter((row) => row.status === 'ok')) expect(perRun(r.run_id)).toBe(4); // steps 0, 10, 20, 30
    // Tidy: each curves row carries its run's seed and swept values, as runs.csv has them.
    expect(Object.keys(curves[0]!).slice(0, 5)).toEqual(['run_id', 'seed', 'model.batchNorm', 'model.depth', 'step']);
    for (const c of curves) {
      const r = runs.find((row) => row.run_id === c.run_id)!;
      expect([c.seed, c['model.batchNorm'], c['model.depth']]).toEqual([r.seed, r['model.batchNorm'], r['model.depth']]);
    }
    // Losses that are float32 values (read from tensors) are written in the shortest text that reads back
    // to the same float32; float64 values (averages computed in JS) keep every digit.
    const losses = curves.flatMap((c) => [c.train_loss!, c.test_loss!]).filter((v) => v !== '');
    const shortest = losses.filter((v) => float32Text(Math.fround(Number(v))) === v);
    expect(shortest.filter((v) => v.length < String(Math.fround(Number(v))).length).length).toBeGreaterThan(0); // some were shortened
    for (const v of losses.filter((x) => !shortest.includes(x))) {
      expect(Math.fround(Number(v))).not.toBe(Number(v)); // not a float32 value
      expect(v).toBe(String(Number(v)));
    }
    // every run measures its data: the train/test reference pair, per run and per feature
    const shifts = parseCsv(readFileSync(path.join(a, 'shifts.csv'), 'utf8'));
    expect(shifts.map((r) => [r.shift, r.family])).toEqual(new Array(4).fill(['test', 'none']));
    expect(parseCsv(readFileSync(path.join(a, 'shift_features.csv'), 'utf8'))).toHaveLength(4 * 20);
    expect((manifest.shifts as { name: string; measured: { runs: number } }[]).map((s) => [s.name, s.measured.runs])).toEqual([['test', 4]]);

    const rb = await bnExp(['run', quick, '--out', b, '--backend', 'wasm', ...short]);
    expect(rb.code).toBe(0);
    expect(readFileSync(path.join(b, 'curves.csv'), 'utf8')).toBe(readFileSync(path.join(a, 'curves.csv'), 'utf8'));
    const noWall = (dir: string) => parseCsv(readFileSync(path.join(dir, 'runs.csv'), 'utf8')).map(({ wall_s: _wall, ...rest }) => rest);
    expect(noWall(b)).toEqual(noWall(a));

    // Never silently overwrite a result set.
    const again = await bnExpIn(['run', quick, '--out', a, '--backend', 'wasm', ...short]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(a);
    expect(again.stderr).not.toMatch(/\n\s+at /); // no stack trace
  }); // three CLI processes, two of them training: vitest.config.ts sizes the timeout for a loaded machine

  it('default flags vectorize (runs of a cell differing in seed and learning rate share a step) and write the bytes of --vectorize 1', async () => {
    // One BN cell (depth and batchNorm fixed): its 2 seeds x 2 learning rates are 4 runs of one shape.
    const grouped = ['--set', 'model.depth=2', '--set', 'model.batchNorm=before', '--set', 'train.steps=20', '--set', 'train.evalEvery=10', '--set', 'seeds=2', '--set', 'sweep.train.learningRate=[0.1, 0.3]', '--quiet', '--no-report'];
    const one = path.join(tmp(), 'one');
    const auto = path.join(tmp(), 'auto');
    expect((await bnExpIn(['run', quick, '--out', one, '--backend', 'wasm', '--vectorize', '1', ...grouped])).code).toBe(0);
    const r = await bnExpIn(['run', quick, '--out', auto, '--backend', 'wasm', ...grouped]);
    // the overrides fix the axes quick.yaml's claims compare: a note says they are left out, nothing else
    expect(r.stderr).toMatch(/^note: the overrides remove axes or levels that claims .* compare: left out of this run\n$/);
    expect(r.code).toBe(0);
    const vectorize = (dir: string) => (JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { vectorize: number }).vectorize;
    expect(vectorize(one)).toBe(1);
    expect(vectorize(auto)).toBeGreaterThan(1); // the 4 runs of the cell can share a step
    // On wasm a vectorized group does the same float operations in the same order per model as separate runs.
    expect(readFileSync(path.join(auto, 'curves.csv'), 'utf8')).toBe(readFileSync(path.join(one, 'curves.csv'), 'utf8'));
    const rows = (dir: string) => parseCsv(readFileSync(path.join(dir, 'runs.csv'), 'utf8')).map(({ wall_s: _wall, ...rest }) => rest);
    expect(rows(auto)).toEqual(rows(one));
  }); // two trainings: vitest.config.ts sizes the timeout for a loaded machine

  it.each([
    ['malformed YAML', 'name: x\nmodel: [unclosed\n', 'bad.yaml'],
    ['unknown key with a suggestion', 'name: x\ntrain: { steps: 5 }\nmodel: { batchNrom: before }\n', 'batchNorm'],
    ['wrong type', 'name: x\ntrain: { steps: "many" }\n', 'train.steps'],
    ['batch larger than the training set', 'name: x\ndata: { trainSize: 100 }\ntrain: { steps: 5, batchSize: 200 }\n', 'train.batchSize'],
    ['depth < 1', 'name: x\ntrain: { steps: 5 }\nmodel: { depth: 0 }\n', 'model.depth'],
    ['dropout outside [0,1)', 'name: x\ntrain: { steps: 5 }\nmodel: { dropout: 1 }\n', 'model.dropout'],
  ])('rejects %s with exit 2, the file and the path, and no stack', async (_name, text, expected) => {
    const dir = tmp();
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, text);
    const r = await bnExpIn(['run', file, '--out', path.join(dir, 'out')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bad.yaml');
    expect(r.stderr).toContain(expected);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(path.join(dir, 'out', 'runs.csv'))).toBe(false);
  });

  it('rejects a missing file and an unknown backend with exit 2', async () => {
    const missing = await bnExpIn(['run', 'no-such-file.yaml']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no-such-file.yaml');
    const backend = await bnExpIn(['run', quick, '--backend', 'gpu']);
    expect(backend.code).toBe(2);
    expect(backend.stderr).toContain('gpu');
  });

  it.skipIf(hasTfjsNode)('--backend node without @tensorflow/tfjs-node: exit 2 with the install command, nothing written', async () => {
    const out = path.join(tmp(), 'node');
    const r = await bnExpIn(['run', quick, '--backend', 'node', '--out', out, ...short]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/npm install @tensorflow\/tfjs-node@\d/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });

  it('validates every shipped experiment', async () => {
    const files = readdirSync(path.join(root, 'experiments')).filter((f) => /\.(ya?ml|json)$/.test(f));
    expect(files.length).toBeGreaterThan(1);
    // One command validates them all; each file gets its own line.
    const r = await bnExpIn(['validate', ...files.map((file) => path.join(root, 'experiments', file))]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const file of files) expect(r.stdout).toContain(`${path.join(root, 'experiments', file)}: valid.`);
  });

  it("the experiments README's shortening recipe validates on every shipped experiment", async () => {
    const readme = readFileSync(path.join(root, 'experiments', 'README.md'), 'utf8');
    const recipe = /shorten it with `([^`]+)`/.exec(readme)?.[1];
    expect(recipe).toMatch(/--set train\.steps=\d+/);
    const files = readdirSync(path.join(root, 'experiments')).filter((f) => /\.(ya?ml|json)$/.test(f));
    const r = await bnExpIn(['validate', ...files.map((file) => path.join(root, 'experiments', file)), ...recipe!.split(/\s+/)]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.match(/: valid\. \d+ runs? = .* x 1 seed\n/g)).toHaveLength(files.length);
  });
});
