import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { root, rows, run, tmp } from './helpers.js';

// bn-exp as a dependency: a scratch project whose node_modules/bn-exp links to this checkout (what
// `npm install <path>` does) imports the package by name, through package.json "exports", runs a short
// experiment with runExperiment and reads it back with loadResults.
describe('the programmatic API (import ... from "bn-exp")', () => {
  it('runExperiment runs a config object, loadResults reads the folder, and both agree with the files', async () => {
    const project = tmp('bn-exp-api-');
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'uses-bn-exp', type: 'module', dependencies: { 'bn-exp': `file:${root}` } }));
    mkdirSync(path.join(project, 'node_modules'));
    symlinkSync(root, path.join(project, 'node_modules', 'bn-exp'));
    const config = readFileSync(path.join(root, 'experiments', 'ci-baseline.yaml'), 'utf8');
    writeFileSync(path.join(project, 'ci.yaml'), config);
    writeFileSync(
      path.join(project, 'main.js'),
      `import { runExperiment, loadResults, ConfigError } from 'bn-exp';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
const config = parse(readFileSync('ci.yaml', 'utf8'));
const results = await runExperiment(config, { out: 'out', backend: 'wasm', set: ['train.steps=40', 'seeds=2'], report: false });
const again = loadResults('out');
let configError = '';
try { await runExperiment({ ...config, model: { depth: 0 } }, { out: 'bad' }); } catch (e) { configError = e instanceof ConfigError ? e.message : 'not a ConfigError: ' + e; }
console.log(JSON.stringify({ name: results.name, axes: results.axes, runs: results.runs.length, curves: again.curves.length, ids: again.runs.map((r) => r.run_id), configError }));`,
    );
    // yaml for the script itself: the scratch project resolves it from bn-exp's own dependencies.
    symlinkSync(path.join(root, 'node_modules', 'yaml'), path.join(project, 'node_modules', 'yaml'));
    const r = await run(process.execPath, ['main.js'], { cwd: project });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { name: string; axes: string[]; runs: number; curves: number; ids: string[]; configError: string };
    const runsCsv = rows(path.join(project, 'out'), 'runs.csv');
    expect(out).toMatchObject({ name: 'ci-baseline', axes: ['model.batchNorm'], runs: runsCsv.length });
    expect(runsCsv).toHaveLength(2 * 2); // 2 cells x 2 seeds
    expect(out.ids).toEqual(runsCsv.map((row) => row.run_id));
    expect(out.curves).toBe(rows(path.join(project, 'out'), 'curves.csv').length);
    expect(out.configError).toContain('model.depth');
  });
});
