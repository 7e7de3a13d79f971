import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { parseCsv } from '../record/csv.js';
import { buildReport } from '../report/build.js';
import { reportHtml } from '../report/html.js';
import { reportMarkdown } from '../report/markdown.js';
import { writeClaims } from './claims.js';
import { mergeCommand } from './merge.js';
import { readReportData } from './report.js';

// Claims in the outputs that finish a result set, on a real one: the recorded ci-baseline runs (BN off vs
// before, 4 seeds) with claims added to its manifest's config, as `run` would have recorded them.
const baseline = fileURLToPath(new URL('../../results/baselines/ci-baseline', import.meta.url));
const tmp = mkdtempSync(path.join(os.tmpdir(), 'bn-exp-claims-out-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const CLAIMS = [
  { name: 'bn-costs-nothing', metric: 'final_test_acc', compare: { 'model.batchNorm': ['off', 'before'] }, difference: { atLeast: -0.05 } },
  { name: 'bn-no-slower', metric: 'steps_to_test_acc_0.85', compare: { 'model.batchNorm': ['off', 'before'] }, ratio: { atMost: 1 } },
  { name: 'learns', metric: 'final_train_acc', value: { atLeast: 0.6 } },
];

/** A copy of ci-baseline whose config states CLAIMS. */
function withClaims(name: string): string {
  const dir = path.join(tmp, name);
  cpSync(baseline, dir, { recursive: true });
  const file = path.join(dir, 'manifest.json');
  const m = JSON.parse(readFileSync(file, 'utf8')) as { config: Record<string, unknown> };
  m.config.claims = CLAIMS;
  writeFileSync(file, JSON.stringify(m, null, 2));
  return dir;
}

const claimsCsv = (dir: string): Record<string, string>[] => parseCsv(readFileSync(path.join(dir, 'claims.csv'), 'utf8'));

describe('the report opens with the claims', () => {
  const dir = withClaims('report');
  writeClaims(dir);
  const rows = claimsCsv(dir);
  const report = buildReport(readReportData(dir));
  const md = reportMarkdown(report, (n) => `figures/${n}.svg`);
  const html = reportHtml(report, () => '');

  it('has one claims.csv row per claim and cell (the test is not empty)', () => {
    expect(rows.map((r) => r.claim)).toEqual(['bn-costs-nothing', 'bn-no-slower', 'learns', 'learns']);
  });

  it('puts the Claims section first in report.md and report.html', () => {
    expect(report.sections[0]!.id).toBe('claims');
    expect(md.match(/^## .*/m)![0]).toBe('## Claims');
    expect(html.match(/<section id="([^"]+)">/)![1]).toBe('claims');
    expect(html.match(/<h2>([^<]+)<\/h2>/)![1]).toBe('Claims');
  });

  it('shows each claims.csv row with its verdict, estimate, interval and n', () => {
    const table = report.sections[0]!.table!;
    expect(table.rows).toHaveLength(rows.length);
    const col = (h: string): number => table.header.indexOf(h);
    // the printed numbers are claims.csv's to 3 significant digits
    const near = (shown: string, csv: string): void => {
      if (csv === '') return void expect(['-', 'inf']).toContain(shown);
      expect(Math.abs(Number(shown) - Number(csv))).toBeLessThanOrEqual(Math.abs(Number(csv)) * 5e-3 + 1e-12);
    };
    rows.forEach((r, i) => {
      const line = table.rows[i]!;
      expect([line[col('claim')], line[col('cell')], line[col('verdict')], line[col('n')]]).toEqual([r.claim, r.cell, r.verdict, r.n]);
      near(line[col('estimate')]!, r.estimate!);
      const [low, high] = line[col('95% CI')]!.slice(1, -1).split(', ');
      near(low!, r.ci_low!);
      near(high!, r.ci_high!);
      // report.md shows HTML markup as text: the bound's `>=` is written `&gt;=`
      expect(md).toContain(`| ${line.join(' | ').replace(/</g, '&lt;').replace(/>/g, '&gt;')} |`);
    });
    const holds = rows.filter((r) => r.verdict === 'holds').length;
    expect(report.sections[0]!.answer).toMatch(new RegExp(`^${holds} of ${rows.length} claim cells`));
  });

  it('has no Claims section when the result set states no claims', () => {
    expect(buildReport(readReportData(baseline)).sections.map((s) => s.id)).not.toContain('claims');
  });
});

describe('merge', () => {
  it('writes claims.csv after the summaries, as run does', async () => {
    const shard = withClaims('shard');
    const expected = path.join(tmp, 'expected');
    cpSync(shard, expected, { recursive: true });
    writeClaims(expected);
    const out = path.join(tmp, 'merged');
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      await mergeCommand([shard], { out, force: false, allowMissing: false, report: false });
    } finally {
      log.mockRestore();
      write.mockRestore();
    }
    expect(readFileSync(path.join(out, 'claims.csv'), 'utf8')).toBe(readFileSync(path.join(expected, 'claims.csv'), 'utf8'));
  });
});
