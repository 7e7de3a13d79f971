import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCK, lockFolder } from './lock.js';

let dir: string;
beforeEach(() => {
  dir = join(mkdtempSync(join(os.tmpdir(), 'bn-exp-lock-')), 'results');
  mkdirSync(dir);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A process that loads the lock module and then, per line on stdin, either tries the lock on the folder
 * the line names (answering got/refused) or, on `release`, releases what it holds (answering released).
 * One pair of them serves every trial: a Node start-up per trial and process would cost more than the test.
 */
function locker(): { ask: (line: string) => Promise<string>; done: () => Promise<void> } {
  const lockJs = pathToFileURL(resolve('dist/record/lock.js')).href;
  const script =
    `const { lockFolder } = await import(${JSON.stringify(lockJs)});` +
    `const { createInterface } = await import('node:readline');` +
    `let r;` +
    `createInterface({ input: process.stdin }).on('line', (line) => {` +
    `if (line === 'release') { r?.(); r = undefined; console.log('released'); return; }` +
    `try { r = lockFolder(line); console.log('got'); } catch { console.log('refused'); } });` +
    `process.stdin.on('end', () => { r?.(); process.exit(0); });` +
    `console.log('ready');`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: string[] = [];
  const waiters: (() => void)[] = [];
  child.stdout.on('data', (d: Buffer) => {
    lines.push(...d.toString().split('\n').filter(Boolean));
    waiters.splice(0).forEach((w) => w());
  });
  let exited = false;
  const exit = new Promise<void>((ok) => child.on('exit', () => ok()));
  child.on('exit', () => {
    exited = true;
    waiters.splice(0).forEach((w) => w());
  });
  const next = (): Promise<string> =>
    new Promise((ok) => {
      const check = (): void => (lines.length > 0 ? ok(lines.shift()!) : exited ? ok('exited') : void waiters.push(check));
      check();
    });
  const ready = next();
  return {
    ask: async (line) => {
      await ready;
      child.stdin.write(`${line}\n`);
      return next();
    },
    done: () => {
      child.stdin.end();
      return exit;
    },
  };
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((r) => child.on('exit', r));
  return child.pid!;
}

describe('lockFolder', () => {
  it('creates the folder, holds the lock until released, refuses a second holder', () => {
    const release = lockFolder(dir);
    expect(JSON.parse(readFileSync(join(dir, LOCK), 'utf8'))).toMatchObject({ pid: process.pid, host: os.hostname() });
    expect(() => lockFolder(dir)).toThrow(/already locked by this process/);
    release();
    expect(existsSync(join(dir, LOCK))).toBe(false);
    lockFolder(dir)();
  });

  it('takes over the lock of a dead process on this host', async () => {
    const pid = await deadPid();
    lockFolder(dir)();
    writeFileSync(join(dir, LOCK), JSON.stringify({ pid, host: os.hostname() }));
    const release = lockFolder(dir);
    expect(JSON.parse(readFileSync(join(dir, LOCK), 'utf8')).pid).toBe(process.pid);
    release();
  });

  it('takes over a lock naming a live pid that started at another time (a restarted container reuses pid 1)', async () => {
    lockFolder(dir)();
    // Our parent is alive, but it is not the process that wrote this lock: its start time differs.
    writeFileSync(join(dir, LOCK), JSON.stringify({ pid: process.ppid, host: os.hostname(), start: 1 }));
    lockFolder(dir)();
    // A lock naming this very process (pid 1 again after a restart) that this process does not hold.
    writeFileSync(join(dir, LOCK), JSON.stringify({ pid: process.pid, host: os.hostname() }));
    lockFolder(dir)();
  });

  it('refuses a lock naming a live process with its own start time', () => {
    lockFolder(dir)();
    const parentStart = Number(readFileSync(`/proc/${process.ppid}/stat`, 'utf8').split(') ')[1]!.split(' ')[19]);
    writeFileSync(join(dir, LOCK), JSON.stringify({ pid: process.ppid, host: os.hostname(), start: parentStart }));
    expect(() => lockFolder(dir)).toThrow(new RegExp(`being written by another bn-exp \\(pid ${process.ppid}`));
  });

  it('refuses a lock from another host, saying how to clear it', () => {
    lockFolder(dir)();
    writeFileSync(join(dir, LOCK), JSON.stringify({ pid: 1, host: 'elsewhere' }));
    expect(() => lockFolder(dir)).toThrow(/on elsewhere.*delete .*\.bn-exp\.lock/);
  });

  it('excludes: of two processes trying together exactly one gets the lock, over many trials, stale lock or not', async () => {
    const stalePid = await deadPid();
    const pair = [locker(), locker()];
    const tally: string[] = [];
    for (let trial = 0; trial < 24; trial++) {
      const target = join(dir, `t${trial}`);
      mkdirSync(target);
      if (trial % 2 === 1) {
        lockFolder(target)();
        writeFileSync(join(target, LOCK), JSON.stringify({ pid: stalePid, host: os.hostname() }));
      }
      const outs = await Promise.all(pair.map((p) => p.ask(target)));
      expect(await Promise.all(pair.map((p) => p.ask('release')))).toEqual(['released', 'released']);
      tally.push(outs.sort().join('+'));
    }
    await Promise.all(pair.map((p) => p.done()));
    expect(tally.filter((t) => t !== 'got+refused')).toEqual([]);
  }, 60_000);
});
