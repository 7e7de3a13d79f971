import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bnExpIn } from '../../test/helpers.js';
import { parseCsv } from '../record/csv.js';
import { spearman } from '../stats/spearman.js';
import { sig } from './format.js';

// Captions on real small result sets: tiny experiments run with the built CLI in process (training in its
// worker threads; the report is written at the end of the run), each caption checked on both sides of its
// condition.
const tmp = mkdtempSync(path.join(os.tmpdir(), 'bn-exp-captions-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Run `yaml` as an experiment; the results folder. */
async function runYaml(name: string, yaml: string): Promise<string> {
  const config = path.join(tmp, `${name}.yaml`);
  const out = path.join(tmp, name);
  writeFileSync(config, yaml);
  const r = await bnExpIn(['run', config, '--out', out, '--backend', 'wasm', '--quiet']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return out;
}

/** Section `id` of report.md: its answer line and everything up to the next section. */
function sectionOf(dir: string, id: string): { answer: string; text: string } {
  const md = readFileSync(path.join(dir, 'report.md'), 'utf8');
  const start = md.indexOf(`<a id="${id}"></a>`);
  expect(start, `section ${id}`).toBeGreaterThanOrEqual(0);
  const end = md.indexOf('<a id="', start + 1);
  const text = md.slice(start, end < 0 ? undefined : end);
  const answer = text.split('\n').find((l) => l.trim() !== '' && !l.startsWith('<a ') && !l.startsWith('## ')) ?? '';
  return { answer, text };
}

const GAP_BASE = `seeds: 2
data: { features: 8, classes: 2, trainSize: 256, testSize: 256 }
model: { depth: 1, width: 16, batchNorm: before }
sweep: { train.batchSize: [8, 64] }
`;

describe('gap caption on real runs', () => {
  it('equal steps: the large batch saw 8x the data; no large-batch-gap reading', async () => {
    const dir = await runYaml('gap-steps', `name: gap-steps\n${GAP_BASE}train: { optimizer: momentum, learningRate: 0.05, steps: 32, evalEvery: 8 }\n`);
    const runs = parseCsv(readFileSync(path.join(dir, 'runs.csv'), 'utf8'));
    expect(new Set(runs.map((r) => r.steps))).toEqual(new Set(['32'])); // what the runs did: 32 steps at both batch sizes
    const { answer, text } = sectionOf(dir, 'gap');
    expect(text).toContain('did not see the same data: batch 64 saw 8.0x as many training examples as batch 8 (32 vs 32 steps at batch 64 and 8)');
    expect(text).not.toContain('Every batch size saw the same data');
    expect(answer).toContain('so this is not an equal-epoch comparison');
  }, 300_000);

  it('equal epochs: the reading depends on whether the measured gap grew', async () => {
    const dir = await runYaml('gap-epochs', `name: gap-epochs\n${GAP_BASE}train: { optimizer: momentum, learningRate: 0.05, epochs: 2, evalEvery: 8 }\n`);
    const runs = parseCsv(readFileSync(path.join(dir, 'runs.csv'), 'utf8'));
    const steps = (m: string): string[] => [...new Set(runs.filter((r) => r['train.batchSize'] === m).map((r) => r.steps!))];
    expect([steps('8'), steps('64')]).toEqual([['64'], ['8']]); // 2 epochs of 256 examples
    const mean = (m: string): number => {
      const xs = runs.filter((r) => r['train.batchSize'] === m).map((r) => Number(r.generalization_gap));
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    };
    const { text } = sectionOf(dir, 'gap');
    expect(text).toContain('Every batch size saw the same data (equal epochs)');
    expect(text).not.toContain('did not see the same data');
    // One cell (BN before): the reading follows the sign of the measured change of the gap.
    if (mean('64') > mean('8')) expect(text).toContain('in every compared cell: the large-batch generalization gap (Keskar et al. 2017).');
    else expect(text).toContain('in only 0 of 1 compared cells: these runs do not show a consistent large-batch generalization gap');
  }, 300_000);
});

describe('covariate-shift answer on a real run', () => {
  it('relates the drop on each shifted set to its measured size, with the n of sets', async () => {
    const shifts = ['{name: a, kind: mean, amount: 0.5}', '{name: b, kind: mean, amount: 1}', '{name: c, kind: mean, amount: 2}', '{name: d, kind: scale, amount: 1}', '{name: e, kind: shape, form: skewed, amount: 1}'];
    const dir = await runYaml(
      'shift',
      `name: shift\nseeds: 2\ndata: { features: 8, classes: 2, trainSize: 256, testSize: 256, seed: 3, shift: [${shifts.join(', ')}] }\n` +
        'model: { depth: 1, width: 16 }\ntrain: { optimizer: momentum, learningRate: 0.05, steps: 32, evalEvery: 16 }\nsweep: { model.batchNorm: [off, before] }\n',
    );
    const { answer, text } = sectionOf(dir, 'shifts');
    expect(answer).toContain('against the size of each shift measured on the data, the drop followed');
    expect(text).not.toContain('see shifts.csv');
    // Recompute the no-BN MMD² correlation from runs.csv and shifts.csv as measured.
    const runs = parseCsv(readFileSync(path.join(dir, 'runs.csv'), 'utf8')).filter((r) => r['model.batchNorm'] === 'off' && r.status === 'ok');
    const rows = parseCsv(readFileSync(path.join(dir, 'shifts.csv'), 'utf8'));
    const avg = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    const names = ['a', 'b', 'c', 'd', 'e'];
    const drop = names.map((s) => avg(runs.map((r) => Number(r.final_test_acc) - Number(r[`final_${s}_acc`]))));
    const mmd = names.map((s) => avg(runs.map((r) => Number(rows.find((x) => x.run_id === r.run_id && x.shift === s)!.mmd2))));
    const rho = spearman(mmd, drop).rho;
    expect(text).toContain(`with no BN, Spearman rank correlation over (cell, shifted set) points:`);
    expect(text).toMatch(new RegExp(`MMD²: (Spearman rho = ${rho > 0 ? '\\+' : ''}${sig(rho, 2).replace('.', '\\.')}, n = 5|n = 5: no spread)`));
  }, 300_000);
});
