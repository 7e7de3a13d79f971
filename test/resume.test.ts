import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bnExpIn, committed, copyResults, root, snapshot, tmpDir } from './helpers.js';

// --resume repairs what a kill or a full disk can leave after the last run, and refuses without writing
// what it cannot continue. The folders are copies of the committed CI baseline (every run committed). The
// commands run in process (bnExpIn); sweep.test.ts resumes a spawned, interrupted run.
const config = path.join(root, 'experiments', 'ci-baseline.yaml');

describe('run --resume', { timeout: 300_000 }, () => {
  it('rewrites missing or cut-off summaries and the report when every run is committed', async () => {
    const dir = copyResults('killed-in-summary');
    rmSync(path.join(dir, 'summary.csv'));
    const cs = path.join(dir, 'curves_summary.csv');
    writeFileSync(cs, readFileSync(cs, 'utf8').slice(0, 1000)); // cut off by a full disk
    const r = await bnExpIn(['run', config, '--out', dir, '--resume', '--backend', 'wasm', '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('summaries and report rewritten');
    for (const f of ['summary.csv', 'curves_summary.csv']) {
      expect(readFileSync(path.join(dir, f), 'utf8')).toBe(readFileSync(path.join(committed, f), 'utf8'));
    }
    expect(readFileSync(path.join(dir, 'report.md'), 'utf8')).toContain('# ');
  });

  it('refuses a folder whose files have other columns before writing anything (exit 2)', async () => {
    const dir = copyResults('other-columns');
    // One run uncommitted, so there is something to run; the baseline's runs.csv has no wall_s column.
    // (Its curve rows go too: --resume would drop the rows of an uncommitted run, a repair, not a refusal.)
    const runs = path.join(dir, 'runs.csv');
    const lines = readFileSync(runs, 'utf8').split('\n');
    const last = lines.at(-2)!.split(',')[0]!;
    writeFileSync(runs, lines.slice(0, -2).join('\n') + '\n');
    const curves = path.join(dir, 'curves.csv');
    writeFileSync(curves, readFileSync(curves, 'utf8').split('\n').filter((l) => !l.startsWith(last)).join('\n'));
    const before = snapshot(dir);
    const r = await bnExpIn(['run', config, '--out', dir, '--resume', '--backend', 'wasm', '--quiet']);
    expect(r.stderr).toMatch(/(runs|curves)\.csv: its columns differ from this run's .*Nothing was written/);
    expect(r.code).toBe(2);
    expect(snapshot(dir)).toEqual(before);
  });
});

describe('an empty shard', { timeout: 300_000 }, () => {
  it('is a success writing an empty result set that merge accepts', async () => {
    const dir = path.join(tmpDir(), 'shard');
    const r = await bnExpIn(['run', config, '--shard', '50/100', '--out', dir, '--backend', 'wasm', '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('holds none of the 8 runs');
    const m = await bnExpIn(['merge', dir, '--out', path.join(tmpDir(), 'merged'), '--allow-missing']);
    expect(m.stderr).toBe('');
    expect(m.code).toBe(0);
    expect(m.stdout).toContain('merged 0 runs');
  });
});

describe('a shard of a config with claims', { timeout: 300_000 }, () => {
  it('succeeds without checking the claims, which name cells of other shards (merge checks them)', async () => {
    // quick.yaml's claims compare depth 2 with depth 8; shard 1/2 of one seed holds depth 2 only.
    const dir = path.join(tmpDir(), 'shard');
    const quick = path.join(root, 'experiments', 'quick.yaml');
    const args = ['--set', 'train.steps=40', '--set', 'train.evalEvery=20', '--set', 'seeds=1', '--backend', 'wasm', '--no-report'];
    const r = await bnExpIn(['run', quick, '--shard', '1/2', '--out', dir, ...args]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('claims: not checked on shard 1/2');
    expect(existsSync(path.join(dir, 'claims.csv'))).toBe(false);
  });
});
