import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../src/record/csv.js';
import { bnExp, experiment, root } from './helpers.js';

// The project's own CI regression gate, end to end with the built CLI (npm test builds dist/ first):
// experiments/ci-baseline.yaml re-run on wasm must pass `bn-exp check` against the committed baseline
// results/baselines/ci-baseline/ (re-record it with `npm run ci-baseline` after an intended change), and
// the same experiment with a 10x smaller learning rate must be caught. Two short runs, ~2 s each; the
// other analysis commands are tested in process in analysis-commands.test.ts.
const config = experiment('ci-baseline.yaml');
const committed = path.join(root, 'results', 'baselines', 'ci-baseline');

const tmp = mkdtempSync(path.join(os.tmpdir(), 'bn-exp-check-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const same = path.join(tmp, 'same');
const slow = path.join(tmp, 'slow');

describe('bn-exp check against the committed CI baseline', () => {
  it('passes a re-run with the same seeds, and writes the seed summaries at the end of run', async () => {
    const run = await bnExp(['run', config, '--out', same, '--backend', 'wasm', '--quiet', '--no-report']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(existsSync(path.join(same, 'summary.csv'))).toBe(true);
    const summary = parseCsv(readFileSync(path.join(same, 'summary.csv'), 'utf8'));
    expect(summary.map((r) => [r['model.batchNorm'], r.runs, r.final_test_acc_n])).toEqual([
      ['off', '4', '4'],
      ['before', '4', '4'],
    ]);
    expect(parseCsv(readFileSync(path.join(same, 'curves_summary.csv'), 'utf8'))).toHaveLength(2 * 13); // steps 0..240 by 20

    const check = await bnExp(['check', same, '--baseline', committed]);
    expect(check.stderr).toBe('');
    expect(check.stdout).toContain('pass');
    expect(check.code).toBe(0);
  });

  it('catches a deliberately slower model (learning rate 0.1 -> 0.01) with exit 1 and says where', async () => {
    const run = await bnExp(['run', config, '--out', slow, '--backend', 'wasm', '--quiet', '--no-report', '--set', 'train.learningRate=0.01']);
    expect(run.code).toBe(0);
    const check = await bnExp(['check', slow, '--baseline', committed]);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('config differs from the baseline\'s: train.learningRate: 0.1 -> 0.01');
    expect(check.stdout).toMatch(/REGRESSED model\.batchNorm=off: train_loss: above the baseline band at \d+\/13 evaluations \(steps [\d, -]+\); worst at step \d+: /);
    expect(check.stdout).toMatch(/REGRESSED model\.batchNorm=before: test_acc: below the baseline band/);
    expect(check.stdout).toMatch(/steps_to_test_acc_0\.85: .* target never reached/);
    expect(check.stderr).toMatch(/^check failed: \d+ regressions in 2 cells/);
    expect(check.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 on an unusable baseline (another experiment)', async () => {
    const other = path.join(tmp, 'other-baseline');
    cpSync(committed, other, { recursive: true });
    const manifest = JSON.parse(readFileSync(path.join(other, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(path.join(other, 'manifest.json'), JSON.stringify({ ...manifest, name: 'quick' }));
    const check = await bnExp(['check', same, '--baseline', other]);
    expect(check.code).toBe(2);
    expect(check.stderr).toContain('different experiment: the baseline is "quick", the results are "ci-baseline"');
  });
});
