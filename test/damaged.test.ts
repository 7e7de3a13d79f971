import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bnExpIn, committed, copyResults, snapshot, tmpDir } from './helpers.js';

// A damaged or inconsistent result folder, given to any command, exits 2 naming the file and what is
// wrong, and writes nothing. The folders are copies of the committed CI baseline, damaged by hand. The
// commands run in process (their logic is under test, not the process: cli.test.ts spawns the CLI).

/** A copy of the committed set with `file` edited. */
function damage(file: string, edit: (text: string) => string): string {
  const dir = copyResults('damaged');
  const p = path.join(dir, file);
  if (existsSync(p)) writeFileSync(p, edit(readFileSync(p, 'utf8')));
  return dir;
}
const dropFirstRun = (t: string): string => t.split('\n').filter((l) => !l.startsWith('f329d9572e')).join('\n');

const damages: [string, string, (t: string) => string, RegExp][] = [
  ['a torn curves.csv', 'curves.csv', (t) => t.slice(0, -9), /curves\.csv: cut off/],
  ['an empty curves.csv', 'curves.csv', () => '', /curves\.csv: empty/],
  ['a duplicated runs.csv row', 'runs.csv', (t) => t + t.split('\n')[1] + '\n', /runs\.csv: line 10: run f329d9572e is listed twice/],
  ['a duplicated curve row', 'curves.csv', (t) => t + t.split('\n')[1] + '\n', /curves\.csv: line \d+: run f329d9572e step 0 appears twice/],
  ['an orphan curve row', 'curves.csv', (t) => t + 'feedface00,0,0,1,1,0.5,0.5\n', /run feedface00 is not in runs\.csv/],
  ['a run without curve rows', 'curves.csv', dropFirstRun, /1 run with status ok have no rows \(f329d9572e\)/],
  ['a missing swept column', 'runs.csv', (t) => t.replace('model.batchNorm', 'model.bn'), /swept columns missing: model\.batchNorm/],
  ['text in a metric', 'runs.csv', (t) => t.replace('0.890625', 'abc'), /runs\.csv: line 2, column final_test_acc: "abc" is not a number/],
  ['a bogus status column', 'runs.csv', (t) => t.replace(',status,', ',state,'), /runs\.csv: no "status" column/],
];

describe('merge refuses damaged shards: exit 2, naming the file, writing nothing', { timeout: 120_000 }, () => {
  it('merges an intact folder', async () => {
    const out = path.join(tmpDir(), 'merged');
    const r = await bnExpIn(['merge', copyResults('whole'), '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readFileSync(path.join(out, 'curves.csv'), 'utf8')).toBe(readFileSync(path.join(committed, 'curves.csv'), 'utf8'));
  });

  it.each([...damages, ['a missing curves.csv', 'curves.csv', (t: string) => t, /curves\.csv: missing/] as [string, string, (t: string) => string, RegExp]])(
    '%s',
    async (name, file, edit, message) => {
      const dir = damage(file, edit);
      if (name === 'a missing curves.csv') rmSync(path.join(dir, 'curves.csv'));
      const out = path.join(tmpDir(), 'merged');
      const r = await bnExpIn(['merge', dir, '--out', out]);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toContain(dir);
      expect(r.code).toBe(2);
      expect(existsSync(out)).toBe(false);
    },
  );
});

describe('analysis commands refuse a damaged folder: exit 2, naming the file, writing nothing', { timeout: 300_000 }, () => {
  const commands: [string, (d: string) => string[]][] = [
    ['summarize', (d) => ['summarize', d]],
    ['compare', (d) => ['compare', committed, d]],
    ['check', (d) => ['check', d, '--baseline', committed]],
    ['report', (d) => ['report', d]],
    ['plot', (d) => ['plot', d, '--metric', 'final_test_acc']],
  ];
  // Every command on three kinds of damage; each kind on every command is in result-check.test.ts.
  it.each(commands.flatMap(([c, args]) => damages.filter((_d, k) => k % 3 === commands.findIndex(([x]) => x === c) % 3).map(([name, ...d]) => [c, name, args, ...d] as const)))(
    '%s on %s',
    async (_cmd, _name, args, file, edit, message) => {
      const dir = damage(file, edit);
      const before = snapshot(dir);
      const r = await bnExpIn(args(dir));
      expect(r.stderr).toMatch(message);
      expect(r.code).toBe(2);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(snapshot(dir)).toEqual(before);
    },
  );
});
