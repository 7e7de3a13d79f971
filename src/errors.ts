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
