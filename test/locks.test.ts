import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bnExpIn, copyResults, snapshot, tmpDir } from './helpers.js';

// The commands run in process (bnExpIn): the lock names another live process, vitest's main process (a
// lock naming the process that reads it is its own stale one).
const holder = process.ppid;

/** A lock naming a live process, as a bn-exp writing the folder would leave it. */
function holdLock(dir: string): void {
  const start = Number(readFileSync(`/proc/${holder}/stat`, 'utf8').split(') ')[1]!.split(' ')[19]);
  writeFileSync(path.join(dir, '.bn-exp.lock'), JSON.stringify({ pid: holder, host: os.hostname(), since: 'now', start }));
}

describe('every command that writes into a results folder takes its lock', { timeout: 120_000 }, () => {
  const target = copyResults('locked');
  holdLock(target);
  const shard = copyResults('shard');
  it.each([
    ['summarize', ['summarize', target]],
    ['report', ['report', target]],
    ['plot', ['plot', target, '--metric', 'final_test_acc']],
    ['baseline --force', ['baseline', shard, '--out', target, '--force']],
    ['merge --force', ['merge', shard, '--out', target, '--force']],
  ])('%s refuses a folder another bn-exp is writing: exit 2, nothing written', async (_name, args) => {
    const before = snapshot(target);
    const r = await bnExpIn(args);
    expect(r.stderr).toContain(`${target} is being written by another bn-exp (pid ${holder}`);
    expect(r.code).toBe(2);
    expect(snapshot(target)).toEqual(before);
  });

  it('summarize, report and plot write when the folder is free, and leave no lock behind', async () => {
    const free = copyResults('free');
    expect((await bnExpIn(['summarize', free])).code).toBe(0);
    expect((await bnExpIn(['plot', free, '--metric', 'final_test_acc'])).code).toBe(0);
    expect(snapshot(free).some((f) => f.startsWith('.bn-exp.lock'))).toBe(false);
    const out = path.join(tmpDir(), 'base');
    expect((await bnExpIn(['baseline', free, '--out', out])).code).toBe(0);
    expect(snapshot(out).some((f) => f.startsWith('.bn-exp.lock'))).toBe(false);
  });
});
