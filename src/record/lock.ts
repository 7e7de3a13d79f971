import { closeSync, existsSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, rmdirSync, rmSync, statSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { join } from 'node:path';
import { asFileSystemError, UsageError } from '../errors.js';

/** The lock file a writing bn-exp keeps in a results folder, so two processes never write the same files. */
export const LOCK = '.bn-exp.lock';
/** Held only for the instant of removing a stale lock, so two processes cannot both remove it and both take it. */
const BREAK = '.bn-exp.lock.break';

/** What a lock file says about its holder. */
interface Holder {
  pid?: number;
  host?: string;
  since?: string;
  /** Kernel boot id (Linux): a lock from before a reboot is stale whatever its pid. */
  boot?: string;
  /** The holder's start time in clock ticks since boot (Linux /proc/<pid>/stat): tells a reused pid apart. */
  start?: number;
  nonce?: string;
}

/** Locks this process holds (folder path -> lock text): a lock naming our own pid that we do not hold is stale. */
const held = new Map<string, string>();

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

const bootId = (): string | undefined => readText('/proc/sys/kernel/random/boot_id')?.trim();

/** Start time of a process in clock ticks since boot (field 22 of /proc/<pid>/stat), undefined off Linux. */
function startTicks(pid: number): number | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // the name in (...) may hold spaces
  const ticks = Number(fields[19]); // field 22 overall; fields[0] is field 3
  return Number.isFinite(ticks) ? ticks : undefined;
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/**
 * Whether the holder of a lock on this host still runs. A restarted container gets the same pid (often 1)
 * for a new process: the boot id and the process start time tell the old holder from the new process.
 */
function holderAlive(h: Holder & { pid: number }): boolean {
  if (h.boot !== undefined && bootId() !== undefined && h.boot !== bootId()) return false;
  if (h.pid === process.pid) return false; // not held by us (checked before), so left by an earlier process
  if (!pidExists(h.pid)) return false;
  const now = startTicks(h.pid);
  return h.start === undefined || now === undefined || now === h.start;
}

/** Create `path` holding `text` atomically: it never exists empty or half-written. False when it already exists. */
function createExclusive(path: string, text: string): boolean {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, path); // atomic, and fails with EEXIST when the lock is held
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw err;
    // A filesystem without hard links: exclusive create, then write (a reader may see it empty for an instant).
    try {
      const lfd = openSync(path, 'wx');
      writeSync(lfd, text);
      closeSync(lfd);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    }
  } finally {
    rmSync(tmp, { force: true });
  }
}

function rmdirQuiet(dir: string): void {
  try {
    rmdirSync(dir); // only when empty
  } catch {
    // it holds results: keep it
  }
}

const ageMs = (path: string): number => {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
};

const pause = (ms: number): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Take the folder's lock (creating the folder) or throw a UsageError naming the holder. The lock file
 * appears whole in one atomic step, so two processes started together cannot both hold it. A lock left
 * by a process that is gone (dead pid, reused pid, earlier boot or container) is taken over; one from
 * another host (shared filesystem) is refused, since its process cannot be checked from here.
 * Returns the release function.
 */
export function lockFolder(dir: string, opts: { create?: boolean } = {}): () => void {
  const path = join(dir, LOCK);
  const breakPath = join(dir, BREAK);
  if (held.has(path)) throw new Error(`lockFolder: ${dir} is already locked by this process`);
  if (opts.create === false && !existsSync(dir)) throw new UsageError(`${dir}: no such results folder`);
  const created = !existsSync(dir);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw asFileSystemError(err) ?? err;
  }
  const me: Holder = {
    pid: process.pid,
    host: os.hostname(),
    since: new Date().toISOString(),
    boot: bootId(),
    start: startTicks(process.pid),
    nonce: randomBytes(8).toString('hex'),
  };
  const text = `${JSON.stringify(me)}\n`;
  for (let attempt = 0; attempt < 200; attempt++) {
    if (createExclusive(path, text)) {
      held.set(path, text);
      return () => {
        held.delete(path);
        if (readText(path) === text) rmSync(path, { force: true }); // never remove a lock we no longer hold
        if (created) rmdirQuiet(dir); // a refused command leaves no empty folder behind
      };
    }
    const seen = readText(path);
    if (seen === undefined) continue; // released meanwhile: try again
    let holder: Holder = {};
    try {
      holder = JSON.parse(seen) as Holder;
    } catch {
      // Being written on a filesystem without hard links, or left half-written by a crash long ago.
      if (ageMs(path) < 2000) {
        pause(20);
        continue;
      }
    }
    const sameHost = holder.host === me.host;
    if (typeof holder.pid === 'number' && (!sameHost || holderAlive(holder as Holder & { pid: number }))) {
      throw new UsageError(
        `${dir} is being written by another bn-exp (pid ${holder.pid} on ${holder.host ?? '?'} since ${holder.since ?? '?'}). ` +
          `Wait for it, or use another --out${sameHost ? '' : `; if that process is gone, delete ${path}`}.`,
      );
    }
    // Stale. Remove it under the break lock, and only if it is still the very lock we judged stale.
    if (!createExclusive(breakPath, text)) {
      if (ageMs(breakPath) > 10_000) rmSync(breakPath, { force: true }); // a breaker killed mid-break
      pause(5);
      continue;
    }
    try {
      if (readText(path) === seen) rmSync(path, { force: true });
    } finally {
      rmSync(breakPath, { force: true });
    }
  }
  throw new UsageError(`${dir}: could not take ${LOCK} (other bn-exp processes keep taking it); try again`);
}

/** Run `fn` holding the folder's lock (an existing folder: analysis commands never create one), released even when it throws. */
export async function withFolderLock<T>(dir: string, fn: () => T | Promise<T>, opts: { create?: boolean } = {}): Promise<T> {
  const release = lockFolder(dir, { create: opts.create ?? false });
  try {
    return await fn();
  } finally {
    release();
  }
}
