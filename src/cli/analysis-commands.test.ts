import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import chalk from 'chalk';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CheckFailed, UsageError } from '../errors.js';
import { parseCsv } from '../record/csv.js';
import { baselineCommand } from './baseline.js';
import { checkCommand } from './check.js';
import { compareCommand } from './compare.js';
import { summarizeCommand } from './summarize.js';

// The analysis commands in process (no training): inputs are copies of the committed CI baseline
// (results/baselines/ci-baseline, 2 cells x 4 seeds), edited where a test needs another result set.
const root = fileURLToPath(new URL('../..', import.meta.url));
const committed = path.join(root, 'results', 'baselines', 'ci-baseline');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'bn-exp-analysis-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let out: string;
beforeEach(() => {
  out = '';
  chalk.level = 0;
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void (out += `${args.join(' ')}\n`));
});
afterEach(() => vi.restoreAllMocks());

/** A copy of the committed baseline, with `edit` applied to its curves.csv rows. */
function copy(name: string, edit?: (row: Record<string, string>) => Record<string, string>): string {
  const dir = path.join(tmp, name);
  cpSync(committed, dir, { recursive: true });
  if (edit) {
    const text = readFileSync(path.join(dir, 'curves.csv'), 'utf8');
    const header = text.slice(0, text.indexOf('\n'));
    const rows = parseCsv(text).map(edit);
    writeFileSync(path.join(dir, 'curves.csv'), [header, ...rows.map((r) => header.split(',').map((c) => r[c]).join(','))].join('\n') + '\n');
  }
  return dir;
}

const checkOpts = (baseline: string) => ({ baseline, k: '3', atol: '0.01', rtol: '0.05', fraction: '0.25' });
const compareOpts = { all: false, format: 'table' as const, metric: [] as string[], alpha: '0.05' };

describe('check', () => {
  it('passes the baseline against itself', () => {
    checkCommand(copy('same'), checkOpts(committed));
    expect(out).toContain('12 of 12 checks in 2 cells within the baseline bands: pass');
  });

  it('throws CheckFailed after printing the regressions when the loss rises from step 100 on', () => {
    const worse = copy('worse', (r) => (Number(r.step) >= 100 ? { ...r, train_loss: String(Number(r.train_loss) + 0.2) } : r));
    expect(() => checkCommand(worse, checkOpts(committed))).toThrow(CheckFailed);
    expect(out).toMatch(/REGRESSED model\.batchNorm=off: train_loss: above the baseline band at 8\/13 evaluations \(steps 100-240\)/);
    expect(out).not.toContain('test_acc: below');
  });

  it.each([
    ['a bad flag', { ...checkOpts(committed), fraction: '1' }, /--fraction must be in \[0, 1\)/],
    ['a missing baseline', checkOpts(path.join(tmp, 'nowhere')), /no such results folder/],
  ])('throws a UsageError for %s', (_name, opts, message) => {
    expect(() => checkCommand(committed, opts)).toThrow(UsageError);
    expect(() => checkCommand(committed, opts)).toThrow(message);
  });
});

describe('baseline', () => {
  it('records a baseline without wall times or host, and refuses to overwrite it', () => {
    const dir = path.join(tmp, 'recorded');
    baselineCommand(committed, { out: dir, force: false });
    expect(out).toContain(`recorded baseline ${dir}: 8 runs in 2 cells`);
    expect(readFileSync(path.join(dir, 'curves.csv'), 'utf8')).toBe(readFileSync(path.join(committed, 'curves.csv'), 'utf8'));
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { platform: object; baseline: { recordedFrom: string } };
    expect(manifest.platform).not.toHaveProperty('host');
    expect(manifest.baseline.recordedFrom).toBe(committed);
    expect(() => baselineCommand(committed, { out: dir, force: false })).toThrow(/already holds a baseline/);
    expect(() => baselineCommand(committed, { out: committed, force: true })).toThrow(/another folder/);
  });
});

describe('summarize', () => {
  it('writes the summaries next to the results', () => {
    const dir = copy('summarized');
    rmSync(path.join(dir, 'summary.csv'));
    summarizeCommand(dir);
    expect(readFileSync(path.join(dir, 'summary.csv'), 'utf8')).toBe(readFileSync(path.join(committed, 'summary.csv'), 'utf8'));
  });
});

describe('compare', () => {
  it('finds no change between identical sets, and lists every row with --all', () => {
    // identical runs: every difference is exactly 0 (zero variance), so nothing is tested, nothing is "significant"
    compareCommand(committed, copy('twin'), compareOpts);
    expect(out).toContain('0 of 0 tests changed significantly');
    expect(out).toContain('14 rows not tested (verdict n/a): not enough seeds to test');
    out = '';
    compareCommand(committed, copy('twin2'), { ...compareOpts, all: true, metric: ['final_test_acc'] });
    expect(out).toMatch(/model\.batchNorm=off\s+final_test_acc\s+0\.8799\s+0\.8799\s+0 \[0, 0\]\s+n\/a\s+n\/a\s+n\/a\s+not enough seeds to test\s+4 pairs/);
  });

  it('compares BN levels with --by, as CSV', () => {
    compareCommand(committed, undefined, { ...compareOpts, by: 'model.batchNorm', format: 'csv' });
    const rows = parseCsv(out);
    expect(rows).toHaveLength(7);
    expect(rows[0]).toMatchObject({ a: 'model.batchNorm=off', b: 'model.batchNorm=before', metric: 'final_train_loss', test: 'paired', n_a: '4' });
  });

  it.each<[string, Parameters<typeof compareCommand>, RegExp]>([
    ['one set without --by', [committed, undefined, compareOpts], /two results folders/],
    ['--by with two sets', [committed, committed, { ...compareOpts, by: 'model.batchNorm' }], /one results folder/],
    ['an unknown metric', [committed, committed, { ...compareOpts, metric: ['final_f1'] }], /unknown metric final_f1/],
    ['a bad --alpha', [committed, committed, { ...compareOpts, alpha: '5' }], /--alpha/],
  ])('throws a UsageError for %s', (_name, args, message) => {
    expect(() => compareCommand(...args)).toThrow(UsageError);
    expect(() => compareCommand(...args)).toThrow(message);
  });
});
