import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openResults } from './results.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(os.tmpdir(), 'bn-exp-force-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('openResults with overwrite (--force)', () => {
  it('removes the stale outputs it owns (summaries, report, figures) and nothing else', () => {
    const owned = ['manifest.json', 'runs.csv', 'curves.csv', 'summary.csv', 'curves_summary.csv', 'report.html', 'report.md'];
    for (const f of [...owned, 'notes.txt']) writeFileSync(join(dir, f), 'x\n');
    mkdirSync(join(dir, 'figures'));
    for (const f of ['accuracy.svg', 'accuracy.png', 'accuracy.vl.json', 'mine.txt']) writeFileSync(join(dir, 'figures', f), 'x');
    openResults(dir, { overwrite: true });
    expect(owned.filter((f) => existsSync(join(dir, f)))).toEqual([]);
    expect(['accuracy.svg', 'accuracy.png', 'accuracy.vl.json'].filter((f) => existsSync(join(dir, 'figures', f)))).toEqual([]);
    expect(existsSync(join(dir, 'notes.txt'))).toBe(true);
    expect(existsSync(join(dir, 'figures', 'mine.txt'))).toBe(true);
  });

  it('removes an emptied figures folder', () => {
    mkdirSync(join(dir, 'figures'));
    writeFileSync(join(dir, 'figures', 'a.svg'), 'x');
    openResults(dir, { overwrite: true });
    expect(existsSync(join(dir, 'figures'))).toBe(false);
  });
});
