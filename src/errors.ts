/** One problem found in a config: where it is and what was expected. */
export interface ConfigIssue {
  /** Dotted path inside the config, e.g. `train.batchSize` ("" for the whole file). */
  path: string;
  message: string;
}

/** The issues without repeats (same path and message). */
export function dedupe(issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path}\u0000${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Invalid experiment config (exit code 2). Lists every problem found, each as "file: path: message". */
export class ConfigError extends Error {
  readonly file: string;
  readonly issues: ConfigIssue[];
  constructor(file: string, issues: ConfigIssue[]) {
    super(issues.map((i) => `${file}: ${i.path === '' ? '' : `${i.path}: `}${i.message}`).join('\n'));
    this.name = 'ConfigError';
    this.file = file;
    this.issues = issues;
  }
}

/** Bad command-line usage or a missing input file (exit code 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A check found a regression; the report was already printed (exit code 1). */
export class CheckFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckFailed';
  }
}

/** The user stopped a command (SIGINT/SIGTERM) after it saved what it could (exit code 128 + signal number). */
export class Interrupted extends Error {
  readonly signal: NodeJS.Signals;
  constructor(signal: NodeJS.Signals, message: string) {
    super(message);
    this.name = 'Interrupted';
    this.signal = signal;
  }
}

/** Why a filesystem call failed, by errno code, in words a user acts on. */
const FS_REASONS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the filesystem is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'it is a folder',
  ENAMETOOLONG: 'the name is too long',
  EIO: 'input/output error',
  EMFILE: 'too many open files',
  EEXIST: 'it already exists',
};

/** The machine's filesystem refused a read or write (disk full, read-only, permissions): exit code 1, one line naming the path. */
export class FileSystemError extends Error {
  readonly path: string;
  readonly code: string;
  constructor(path: string, code: string) {
    super(`bn-exp: cannot write or read ${path}: ${FS_REASONS[code] ?? code} (${code}). Nothing is wrong with the input; free space or fix permissions, then retry (run with --resume to continue a run).`);
    this.name = 'FileSystemError';
    this.path = path;
    this.code = code;
  }
}

/** A Node filesystem error (errno code and path) as a FileSystemError, or undefined for anything else. */
export function asFileSystemError(err: unknown): FileSystemError | undefined {
  if (err instanceof FileSystemError) return err;
  const e = err as NodeJS.ErrnoException | undefined;
  if (e === undefined || e === null || typeof e !== 'object' || typeof e.code !== 'string' || typeof e.path !== 'string') return undefined;
  return e.code in FS_REASONS ? new FileSystemError(e.path, e.code) : undefined;
}

/** Run a filesystem call on `path`; an errno failure (writes of an open file carry no path) becomes a FileSystemError naming it. */
export function onPath<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException | undefined)?.code;
    if (typeof code === 'string' && code in FS_REASONS) throw new FileSystemError(path, code);
    throw err;
  }
}
