import { CommanderError } from 'commander';
import { constants } from 'node:os';
import { asFileSystemError, CheckFailed, ConfigError, Interrupted, UsageError } from '../errors.js';
import { buildProgram } from './commands.js';

/**
 * The one error boundary: runs the command line `argv` (node, script, arguments...) and returns its exit
 * code: 0 ok, 1 a failed check or claim, 2 invalid config, usage or input, 3 an internal error (a bug),
 * 128 + signal number when stopped by SIGINT/SIGTERM; a filesystem that refuses a read or write (disk full,
 * read-only, permissions) exits 1 with one line naming the path. A command may also have set
 * process.exitCode (a run whose every run failed, claims that do not hold): that code is returned.
 * Stacks only for bugs, or for everything with BN_EXP_DEBUG=1.
 */
export async function runCli(argv: string[]): Promise<number> {
  const debug = process.env.BN_EXP_DEBUG === '1';
  try {
    await buildProgram().parseAsync(argv);
    return Number(process.exitCode ?? 0);
  } catch (err) {
    // commander already printed its message (or the help/version text).
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (debug) console.error(err);
    const fsError = asFileSystemError(err);
    if (fsError !== undefined) {
      console.error(fsError.message);
      return 1;
    }
    if (err instanceof ConfigError) {
      console.error(`Invalid experiment config:\n${err.message}`);
      return 2;
    }
    if (err instanceof UsageError) {
      console.error(`${err.message}\n(run bn-exp --help for usage)`);
      return 2;
    }
    if (err instanceof Interrupted) {
      console.error(err.message);
      return 128 + (constants.signals[err.signal] ?? 2);
    }
    if (err instanceof CheckFailed) {
      console.error(err.message);
      return 1;
    }
    if (!debug) console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    console.error('bn-exp: internal error: this is a bug, please report it with the stack above');
    return 3;
  }
}
