import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import chalk from 'chalk';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CheckFailed, UsageError } from '../src/errors.js';
import { parseCsv } from '../src/record/csv.js';
import { baselineCommand } from '../src/cli/baseline.js';
import { checkCommand } from '../src/cli/check.js';
import { compareCommand } from '../src/cli/compare.js';
import { summarizeCommand } from '../src/cli/summarize.js';

// The analysis commands in process (no training): inputs are copies of the committed CI baseline
// (results/baselines/ci-baseline, 2 cells x 4 seeds), edited where a test needs another result set.
const root = fileURLToPath(new URL('..', import.meta.url));
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

describe('check --format', () => {
  const worse = (): string => copy('worse-fmt', (r) => (Number(r.step) >= 100 ? { ...r, train_loss: String(Number(r.train_loss) + 0.2) } : r));

  it('md: a verdict line and a table row per regression, for a PR comment', () => {
    expect(() => checkCommand(worse(), { ...checkOpts(committed), format: 'md' })).toThrow(CheckFailed);
    expect(out).toMatch(/^### bn-exp check: regression\n/);
    expect(out).toContain('| outcome | cell | metric | what |');
    expect(out).toMatch(/\| ❌ regressed \| model\.batchNorm=off \| train_loss \| above the baseline band at 8\/13 evaluations/);
  });

  it('json: one document with the verdict, the counts and every finding', () => {
    checkCommand(copy('same-json'), { ...checkOpts(committed), format: 'json' });
    const doc = JSON.parse(out) as { pass: boolean; counts: { checks: number; regressed: number }; findings: { label: string; outcome: string }[] };
    expect(doc.pass).toBe(true);
    expect(doc.counts).toMatchObject({ checks: 12, regressed: 0 });
    expect(doc.findings).toHaveLength(12);
    out = '';
    expect(() => checkCommand(worse(), { ...checkOpts(committed), format: 'json' })).toThrow(CheckFailed);
    const bad = JSON.parse(out) as typeof doc;
    expect(bad.pass).toBe(false);
    expect(bad.findings.filter((f) => f.outcome === 'regressed').map((f) => f.label)).toContain('model.batchNorm=off');
  });

  it('junit: a test case per cell and metric, a failure per regression', () => {
    expect(() => checkCommand(worse(), { ...checkOpts(committed), format: 'junit' })).toThrow(CheckFailed);
    expect(out.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="bn-exp check" tests="12" failures="')).toBe(true);
    const failures = [...out.matchAll(/<failure message="([^"]*)"/g)].map((m) => m[1]!);
    expect(failures.length).toBeGreaterThanOrEqual(1);
    expect(out).toMatch(new RegExp(`failures="${failures.length}"`));
    expect(out.match(/<testcase /g)).toHaveLength(12);
    expect(out.match(/<testcase [^>]*name="model\.batchNorm=off: train_loss">\n\s*<failure/)).not.toBeNull();
  });

  it('rejects an unknown format', () => {
    expect(() => checkCommand(committed, { ...checkOpts(committed), format: 'html' })).toThrow(/--format must be one of text, md, json, junit/);
  });
});

describe('check on results that fix a swept path', () => {
  /** The committed baseline's runs with model.batchNorm fixed: only the `level` runs, no axis, the config fixing it. */
  function fixed(name: string, level: string): string {
    const dir = copy(name);
    const runs = parseCsv(readFileSync(path.join(dir, 'runs.csv'), 'utf8')).filter((r) => r['model.batchNorm'] === level);
    const ids = new Set(runs.map((r) => r.run_id));
    const header = readFileSync(path.join(dir, 'runs.csv'), 'utf8').split('\n')[0]!.split(',').filter((c) => c !== 'model.batchNorm');
    writeFileSync(path.join(dir, 'runs.csv'), [header.join(','), ...runs.map((r) => header.map((c) => r[c]).join(','))].join('\n') + '\n');
    const text = readFileSync(path.join(dir, 'curves.csv'), 'utf8');
    const curvesHeader = text.slice(0, text.indexOf('\n'));
    const curves = parseCsv(text).filter((r) => ids.has(r.run_id!));
    writeFileSync(path.join(dir, 'curves.csv'), [curvesHeader, ...curves.map((r) => curvesHeader.split(',').map((c) => r[c]).join(','))].join('\n') + '\n');
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { axes: string[]; config: { model: Record<string, unknown> } };
    manifest.axes = [];
    manifest.config.model.batchNorm = level;
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    return dir;
  }

  it('compares them with the baseline cells at the fixed value, and says so', () => {
    checkCommand(fixed('fixed-before', 'before'), checkOpts(committed));
    expect(out).toContain('note: the results fix model.batchNorm=before, the baseline sweeps it (off, before)');
    expect(out).toContain('compared with its model.batchNorm=before cells (the same value)');
    expect(out).toContain('6 of 6 checks in 1 cells within the baseline bands: pass');
  });

  it('a fixed value the baseline never ran is compared with its first level (text), not refused', () => {
    // The BN runs, labelled with a mode the baseline never ran: compared with the no-BN cells, they differ.
    const dir = fixed('fixed-other', 'before');
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { config: { model: Record<string, unknown> } };
    manifest.config.model.batchNorm = 'after';
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    let failed: unknown;
    try {
      checkCommand(dir, checkOpts(committed));
    } catch (e) {
      failed = e;
    }
    expect(out).toContain('compared with its model.batchNorm=off cells (the baseline never ran after; first level)');
    // Compared, not refused as "a different sweep" (exit 2): pass or a regression (exit 1), both are verdicts.
    expect(failed === undefined || failed instanceof CheckFailed).toBe(true);
    expect(out).toMatch(/\d+ of 6 checks in 1 cells within the baseline bands/);
  });
});

describe('baseline', () => {
  it('warns (on stderr) when a cell has fewer than 4 seeds', () => {
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void errors.push(args.join(' ')));
    const two = copy('two-seeds');
    const runs = parseCsv(readFileSync(path.join(two, 'runs.csv'), 'utf8'));
    const header = readFileSync(path.join(two, 'runs.csv'), 'utf8').split('\n')[0]!;
    const kept = runs.filter((r) => Number(r.seed) < 2);
    writeFileSync(path.join(two, 'runs.csv'), [header, ...kept.map((r) => header.split(',').map((c) => r[c]).join(','))].join('\n') + '\n');
    const ids = new Set(kept.map((r) => r.run_id));
    const curves = readFileSync(path.join(two, 'curves.csv'), 'utf8').split('\n');
    writeFileSync(path.join(two, 'curves.csv'), [curves[0], ...curves.slice(1).filter((l) => ids.has(l.split(',')[0]!))].join('\n') + '\n');
    baselineCommand(two, { out: path.join(tmp, 'two-baseline'), force: false });
    expect(errors.join('\n')).toMatch(/warning: .*two-baseline has cells with only 2 seeds: .* fewer than 4 .*--set seeds=4/);
    errors.length = 0;
    baselineCommand(committed, { out: path.join(tmp, 'four-baseline'), force: false });
    expect(errors).toEqual([]);
  });

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
    // It says what it found: counted from the files themselves.
    const runs = parseCsv(readFileSync(path.join(dir, 'runs.csv'), 'utf8'));
    const curves = parseCsv(readFileSync(path.join(dir, 'curves.csv'), 'utf8'));
    const cells = new Set(runs.map((r) => r['model.batchNorm'])).size;
    const steps = new Set(curves.map((r) => r.step)).size;
    expect(out).toContain(`ci-baseline: ${runs.length} runs in ${cells} cells (${runs.length / cells} runs each; swept: model.batchNorm); ${curves.length} curve rows at ${steps} steps`);
    expect(out).toContain(`wrote ${path.join(dir, 'summary.csv')} (${cells} rows`);
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
