import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../src/record/csv.js';
import { bnExp, bnExpIn, experiment, tmp as tmpIn } from './helpers.js';

// End to end: one short real run of the quick experiment (the report is written at its end), then
// `bn-exp report --out` and `bn-exp plot` on it, with the built CLI: the run spawned as a user would run it,
// report and plot in process (bnExpIn).
const tmp = tmpIn('bn-exp-report-');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47];
const VOID = new Set(['meta', 'br', 'hr', 'img', 'input', 'link', 'col', 'wbr']);

/** Tags that are opened but not closed, or closed without being open (SVG's `<x/>` counts as closed). */
function unbalancedTags(html: string): string[] {
  const stack: string[] = [];
  const problems: string[] = [];
  const body = html.replace(/<style>[\s\S]*?<\/style>/, '').replace(/<!DOCTYPE[^>]*>/i, '');
  for (const m of body.matchAll(/<(\/?)([a-zA-Z][\w:-]*)\b[^>]*?(\/?)>/g)) {
    const [, close, name, self] = m;
    const tag = name!.toLowerCase();
    if (self === '/' || VOID.has(tag)) continue;
    if (close !== '/') stack.push(tag);
    else if (stack.pop() !== tag) problems.push(`</${tag}> at ${m.index}`);
  }
  return [...problems, ...stack.map((t) => `<${t}> never closed`)];
}

/** Expected text of a mean accuracy, as the report prints it. */
const pct = (xs: number[]): string => `${((100 * xs.reduce((a, b) => a + b, 0)) / xs.length).toFixed(1)}%`;

describe('bn-exp report on a short quick run', () => {
  const out = path.join(tmp, 'quick');
  let runResult: Awaited<ReturnType<typeof bnExp>>;
  // The one training run of this file, shared by every test below.
  beforeAll(async () => {
    runResult = await bnExp([
      'run', experiment('quick.yaml'), '--out', out, '--backend', 'wasm', '--quiet',
      '--set', 'train.steps=60', '--set', 'train.evalEvery=20', '--set', 'seeds=2',
    ]);
  });

  it('writes report.html, report.md and the figures at the end of the run, with loss sparklines in the summary', () => {
    expect(runResult.stderr).toBe('');
    expect(runResult.code).toBe(0);
    expect(runResult.stdout).toContain('train loss per cell');
    expect(runResult.stdout).toMatch(/batchNorm=before depth=2\s+[▁▂▃▄▅▆▇█]{4}\s/);
    expect(runResult.stdout).toContain(`report: ${path.join(out, 'report.html')}`);
    for (const f of ['report.html', 'report.md']) expect(existsSync(path.join(out, f))).toBe(true);
  });

  it('report.html is one self-contained, well-formed document with every figure inline', () => {
    const html = readFileSync(path.join(out, 'report.html'), 'utf8');
    const md = readFileSync(path.join(out, 'report.md'), 'utf8');
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script|<link|<iframe|<img|\ssrc=|url\(|@import/i);
    for (const m of html.matchAll(/\shref="([^"]*)"/g)) expect(m[1]).toMatch(/^#/);
    expect(unbalancedTags(html)).toEqual([]);
    const figures = [...md.matchAll(/!\[([^\]]+)\]\(figures\/([^)]+)\.svg\)/g)].map((m) => m[2]!);
    expect(figures).toEqual(expect.arrayContaining(['curves-test_acc', 'curves-train_loss', 'steps-test_acc_0.85', 'final-final_test_acc']));
    expect(html.match(/<svg/g)).toHaveLength(figures.length);
    for (const id of ['convergence', 'speed', 'final']) expect(html).toContain(`<section id="${id}">`);
  });

  it('every figure exists as SVG, PNG and Vega-Lite spec, and holds the expected series', () => {
    const md = readFileSync(path.join(out, 'report.md'), 'utf8');
    for (const [, name] of md.matchAll(/\(figures\/([^)]+)\.svg\)/g)) {
      const base = path.join(out, 'figures', name!);
      const svg = readFileSync(`${base}.svg`, 'utf8');
      expect(svg.startsWith('<svg')).toBe(true);
      for (const series of ['no BN', 'BN (before)']) expect(svg).toContain(series);
      expect([...readFileSync(`${base}.png`).subarray(0, 4)]).toEqual(PNG_MAGIC);
      expect(JSON.parse(readFileSync(`${base}.vl.json`, 'utf8'))).toHaveProperty('data.values');
    }
    const curves = JSON.parse(readFileSync(path.join(out, 'figures', 'curves-test_acc.vl.json'), 'utf8')) as { data: { values: { panel: string; series: string; x: number }[] } };
    const v = curves.data.values;
    expect(new Set(v.map((p) => p.series))).toEqual(new Set(['no BN', 'BN (before)']));
    expect(new Set(v.map((p) => p.panel))).toEqual(new Set(['depth=2', 'depth=8']));
    expect(new Set(v.map((p) => p.x))).toEqual(new Set([0, 20, 40, 60]));
  });

  it('answers with numbers from runs.csv', () => {
    const runs = parseCsv(readFileSync(path.join(out, 'runs.csv'), 'utf8'));
    const md = readFileSync(path.join(out, 'report.md'), 'utf8');
    const answer = (title: string): string => md.split(`## ${title}\n\n`)[1]!.split('\n')[0]!;
    // depth 2: both sides ran seeds 0 and 1 without diverging, so the paired means are the plain means.
    const acc = (bn: string): number[] =>
      runs.filter((r) => r['model.batchNorm'] === bn && r['model.depth'] === '2' && r.status === 'ok').map((r) => Number(r.final_test_acc));
    expect(acc('off')).toHaveLength(2);
    // Cells are named by evidence, not plan order (a cell where only one side diverged comes first): match either case.
    expect(answer('Final metrics')).toMatch(/(^A|; a)t depth=2, /);
    expect(answer('Final metrics')).toContain(`t depth=2, final test accuracy was ${pct(acc('before'))} with BN (before) vs ${pct(acc('off'))} with no BN (`);
    expect(answer('Final metrics')).toMatch(/95% CI [-+][\d.]+ pp to [-+][\d.]+ pp, 2 paired seeds\)/);
    const diverged = runs.filter((r) => r.status === 'diverged');
    for (const r of diverged) {
      const label = r['model.batchNorm'] === 'off' ? 'no BN' : 'BN (before)';
      expect(answer('Final metrics').toLowerCase()).toContain(`at depth=${r['model.depth']!},`);
      expect(answer('Final metrics')).toContain(`runs with ${label} diverged`);
    }
    expect(answer('Steps to target')).toMatch(/85% test accuracy/);
  });

  it('bn-exp report --out writes the same report elsewhere (deterministic)', async () => {
    const other = path.join(tmp, 'other');
    const r = await bnExpIn(['report', out, '--out', other]);
    expect(r.code).toBe(0);
    expect(readFileSync(path.join(other, 'report.md'), 'utf8')).toBe(readFileSync(path.join(out, 'report.md'), 'utf8'));
    expect(readFileSync(path.join(other, 'report.html'), 'utf8')).toBe(readFileSync(path.join(out, 'report.html'), 'utf8'));
  });

  it('bn-exp plot draws one metric as SVG or PNG, and names the columns on a typo', async () => {
    const png = path.join(tmp, 'acc.png');
    const a = await bnExpIn(['plot', out, '--metric', 'test_acc', '--by', 'model.depth', '--out', png]);
    expect(a.code).toBe(0);
    expect([...readFileSync(png).subarray(0, 4)]).toEqual(PNG_MAGIC);
    const b = await bnExpIn(['plot', out, '--metric', 'final_test_acc']);
    expect(b.code).toBe(0);
    const svg = readFileSync(path.join(out, 'figures', 'plot-final_test_acc.svg'), 'utf8');
    expect(svg).toContain('BN (before)');
    const typo = await bnExpIn(['plot', out, '--metric', 'tset_acc']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('did you mean "test_acc"?');
    expect(typo.stderr).not.toMatch(/\n\s+at /);
    const longer = await bnExpIn(['plot', out, '--metric', 'test_accuracy']);
    expect(longer.code).toBe(2);
    expect(longer.stderr).toContain('did you mean "test_acc"?');
  });
});
