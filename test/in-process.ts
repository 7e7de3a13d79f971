// Run a bn-exp command line in the test process: what a spawned CLI would print and its exit code,
// without the start-up of a process (Node, then the modules a command loads: vega, resvg, ...). For tests
// about a command's logic; tests about the process (signals, the bin shim, determinism across processes)
// spawn it (helpers.ts). It runs the built CLI (dist/, as a spawn does): `run` trains in worker threads
// that load dist/launch/worker.js, which exists only there.
import chalk from 'chalk';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import type { runCli as RunCli } from '../src/cli/entry.js';

/** What a command line left behind: its exit code and everything it printed. */
export type CliResult = { code: number; stdout: string; stderr: string };

/** Options of an in-process command line: extra environment variables, the working folder. */
export type CliOptions = { env?: Record<string, string>; cwd?: string };

const bin = fileURLToPath(new URL('../bin/bn-exp.js', import.meta.url));
const entry = new URL('../dist/cli/entry.js', import.meta.url).href;
let queue: Promise<unknown> = Promise.resolve();

/**
 * Run `bn-exp ...args` in this process: stdout, stderr (console and stream writes) and the exit code are
 * captured, process.argv, process.exitCode, the environment, the working folder and chalk's colour level
 * (none, as with FORCE_COLOR=0) are restored afterwards. Calls run one after another, never interleaved.
 */
export function bnExpIn(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  const next = queue.then(() => runCaptured(args, opts));
  queue = next.catch(() => undefined);
  return next;
}

async function runCaptured(args: string[], opts: CliOptions): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const saved = {
    argv: process.argv,
    exitCode: process.exitCode,
    cwd: process.cwd(),
    level: chalk.level,
    out: process.stdout.write,
    err: process.stderr.write,
    console: { log: console.log, info: console.info, warn: console.warn, error: console.error, debug: console.debug },
    env: Object.fromEntries(Object.keys(opts.env ?? {}).map((k) => [k, process.env[k]])),
  };
  const toOut = (...xs: unknown[]): void => void (stdout += `${format(...xs)}\n`);
  const toErr = (...xs: unknown[]): void => void (stderr += `${format(...xs)}\n`);
  const write =
    (add: (s: string) => void) =>
    (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      add(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
      const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      done?.();
      return true;
    };
  try {
    process.argv = [process.execPath, bin, ...args];
    process.exitCode = undefined;
    Object.assign(process.env, opts.env);
    if (opts.cwd !== undefined) process.chdir(opts.cwd);
    chalk.level = 0;
    process.stdout.write = write((s) => (stdout += s)) as typeof process.stdout.write;
    process.stderr.write = write((s) => (stderr += s)) as typeof process.stderr.write;
    Object.assign(console, { log: toOut, info: toOut, debug: toOut, warn: toErr, error: toErr });
    const { runCli } = (await import(entry)) as { runCli: typeof RunCli };
    const code = await runCli([process.execPath, bin, ...args]);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
    Object.assign(console, saved.console);
    chalk.level = saved.level;
    process.chdir(saved.cwd);
    for (const [k, v] of Object.entries(saved.env)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    process.exitCode = saved.exitCode;
    process.argv = saved.argv;
  }
}
