import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseCsv } from '../src/record/csv.js';
import { bin, bnExpIn, root, run as runProcess } from './helpers.js';

// The project's own CI regression gate, end to end with the built CLI (npm test builds dist/ first), run
// the way users are told to run it: experiments/deploy/github-actions-check.yml's steps, executed.
// experiments/ci-baseline.yaml re-run on wasm must pass `bn-exp check` against the committed baseline
// results/baselines/ci-baseline/ (re-record it with `npm run ci-baseline` after an intended change), and
// the same experiment with a 10x smaller learning rate must be caught. Two short runs (~3 s each on an
// idle machine), made once by the recipe and shared by every test; the checks on them run in process
// (bnExpIn), and the other analysis commands are tested in process in analysis-commands.test.ts.
const committed = path.join(root, 'results', 'baselines', 'ci-baseline');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'bn-exp-check-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Workflow = { env: Record<string, string>; jobs: { check: { steps: { run?: string; uses?: string; with?: { path?: string } }[] } } };
const workflow = parse(readFileSync(path.join(root, 'experiments', 'deploy', 'github-actions-check.yml'), 'utf8')) as Workflow;
type RecipeRun = { code: number | null; dir: string; out: string; stderr: string; summary: string };

/**
 * The workflow's `run` steps that call bn-exp, in order, in bash as GitHub runs them (-eo pipefail), with
 * the workflow's env (plus `env`), `npx bn-exp` pointing at this build, in a scratch checkout
 * (experiments/ and the committed baselines linked in).
 */
async function runRecipe(env: Record<string, string> = {}): Promise<RecipeRun> {
  const dir = mkdtempSync(path.join(tmp, 'gha-'));
  symlinkSync(path.join(root, 'experiments'), path.join(dir, 'experiments'));
  mkdirSync(path.join(dir, 'results'));
  symlinkSync(path.join(root, 'results', 'baselines'), path.join(dir, 'results', 'baselines'));
  const summary = path.join(dir, 'step-summary.md');
  const steps = workflow.jobs.check.steps.map((s) => s.run).filter((r): r is string => r !== undefined && r.includes('bn-exp'));
  expect(steps.length).toBeGreaterThanOrEqual(2);
  const script = steps.map((s) => `(\n${s.replaceAll('npx bn-exp', `"${process.execPath}" "${bin}"`)}\n)`).join('\n');
  const r = await runProcess('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
    cwd: dir,
    env: { ...workflow.env, GITHUB_STEP_SUMMARY: summary, ...env },
  });
  const uploaded = workflow.jobs.check.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'))!.with!.path!;
  return { code: r.code, dir, out: path.join(dir, uploaded), stderr: r.stderr, summary: existsSync(summary) ? readFileSync(summary, 'utf8') : '' };
}

let same: RecipeRun;
let slow: RecipeRun;
beforeAll(async () => {
  [same, slow] = await Promise.all([runRecipe(), runRecipe({ SHORTEN: '--set train.learningRate=0.01' })]);
});

describe('bn-exp check against the committed CI baseline', () => {
  it('passes a re-run with the same seeds, and writes the seed summaries at the end of run', async () => {
    expect(same.stderr).toBe('');
    expect(same.code).toBe(0);
    expect(existsSync(path.join(same.out, 'summary.csv'))).toBe(true);
    const summary = parseCsv(readFileSync(path.join(same.out, 'summary.csv'), 'utf8'));
    expect(summary.map((r) => [r['model.batchNorm'], r.runs, r.final_test_acc_n])).toEqual([
      ['off', '4', '4'],
      ['before', '4', '4'],
    ]);
    expect(parseCsv(readFileSync(path.join(same.out, 'curves_summary.csv'), 'utf8'))).toHaveLength(2 * 13); // steps 0..240 by 20

    const check = await bnExpIn(['check', same.out, '--baseline', committed]);
    expect(check.stderr).toBe('');
    expect(check.stdout).toContain('pass');
    expect(check.code).toBe(0);
  });

  it('catches a deliberately slower model (learning rate 0.1 -> 0.01) with exit 1 and says where', async () => {
    expect(parseCsv(readFileSync(path.join(slow.out, 'runs.csv'), 'utf8'))).toHaveLength(8); // the run step succeeded
    const check = await bnExpIn(['check', slow.out, '--baseline', committed]);
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
    const check = await bnExpIn(['check', same.out, '--baseline', other]);
    expect(check.code).toBe(2);
    expect(check.stderr).toContain('different experiment: the baseline is "quick", the results are "ci-baseline"');
  });
});

describe('the GitHub Actions check recipe (experiments/deploy/github-actions-check.yml)', () => {
  it('passes as shipped: the job summary says pass, JUnit XML and the report are where the upload step looks', () => {
    expect(same.code).toBe(0);
    expect(same.summary).toMatch(/^### bn-exp check: pass\n/);
    const junit = readFileSync(path.join(same.out, 'check-junit.xml'), 'utf8');
    expect(junit).toMatch(/<testsuites name="bn-exp check" tests="12" failures="0">/);
    for (const f of ['report.html', 'runs.csv', 'check.md']) expect(existsSync(path.join(same.out, f))).toBe(true);
  });

  it('fails the job (exit 1) on a deliberately slower model, with the regressions in the summary and the XML', () => {
    expect(slow.code).toBe(1);
    expect(slow.stderr).toMatch(/check failed: \d+ regressions in 2 cells/);
    expect(slow.summary).toMatch(/^### bn-exp check: regression\n/);
    expect(slow.summary).toMatch(/\| ❌ regressed \| model\.batchNorm=before \| test_acc \|/);
    const junit = readFileSync(path.join(slow.out, 'check-junit.xml'), 'utf8');
    expect(Number(/failures="(\d+)"/.exec(junit)![1])).toBeGreaterThan(0);
  });
});
