import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../errors.js';

/** The lock file a writing bn-exp keeps in a results folder, so two processes never write the same files. */
export const LOCK = '.bn-exp.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/**
 * Take the folder's lock (creating the folder) or throw a UsageError naming the holder. A lock left by a
 * dead process on this host is taken over; one from another host (shared filesystem) is refused, since
 * its process cannot be checked from here. Returns the release function.
 */
export function lockFolder(dir: string): () => void {
  const path = join(dir, LOCK);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new UsageError(`${dir}: cannot create the results folder (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  const me = { pid: process.pid, host: os.hostname(), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, `${JSON.stringify(me)}\n`);
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let holder: { pid?: number; host?: string; since?: string } = {};
    try {
      holder = JSON.parse(readFileSync(path, 'utf8')) as typeof holder;
    } catch {
      // unreadable or half-written: treat as stale
    }
    const sameHost = holder.host === me.host;
    if (typeof holder.pid === 'number' && (!sameHost || alive(holder.pid))) {
      throw new UsageError(
        `${dir} is being written by another bn-exp (pid ${holder.pid} on ${holder.host ?? '?'} since ${holder.since ?? '?'}). ` +
          `Wait for it, or use another --out${sameHost ? '' : `; if that process is gone, delete ${path}`}.`,
      );
    }
    rmSync(path, { force: true }); // stale: its process is gone
  }
  throw new UsageError(`${dir}: could not take ${LOCK}`);
}
