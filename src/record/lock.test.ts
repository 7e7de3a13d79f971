import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCK, lockFolder } from './lock.js';

let dir: string;
beforeEach(() => {
  dir = join(mkdtempSync(join(os.tmpdir(), 'bn-exp-lock-')), 'results');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('lockFolder', () => {
  it('creates the folder, holds the lock until released, refuses a second holder', () => {
    const release = lockFolder(dir);
    expect(JSON.parse(readFileSync(join(dir, LOCK), 'utf8'))).toMatchObject({ pid: process.pid, host: os.hostname() });
    expect(() => lockFolder(dir)).toThrow(/being written by another bn-exp \(pid \d+/);
    release();
    expect(existsSync(join(dir, LOCK))).toBe(false);
    lockFolder(dir)();
  });

  it('takes over the lock of a dead process on this host', async () => {
    const child = spawn(process.execPath, ['-e', '']);
    await new Promise((r) => child.on('exit', r));
    lockFolder(dir)();
    writeFileSync(join(dir, LOCK), JSON.stringify({ pid: child.pid, host: os.hostname() }));
    const release = lockFolder(dir);
    expect(JSON.parse(readFileSync(join(dir, LOCK), 'utf8')).pid).toBe(process.pid);
    release();
  });

  it('refuses a lock from another host, saying how to clear it', () => {
    lockFolder(dir)();
    writeFileSync(join(dir, LOCK), JSON.stringify({ pid: 1, host: 'elsewhere' }));
    expect(() => lockFolder(dir)).toThrow(/on elsewhere.*delete .*\.bn-exp\.lock/);
  });
});
