import { CommanderError } from 'commander';
import { constants } from 'node:os';
import { asFileSystemError, CheckFailed, ConfigError, Interrupted, UsageError } from '../errors.js';
import { buildProgram } from './commands.js';

/**
 * The one error boundary: maps typed errors to exit codes (0 ok, 1 a failed check or claim, 2 invalid
 * config, usage or input, 3 an internal error (a bug), 128 + signal number when stopped by SIGINT/SIGTERM;
 * a filesystem that refuses a read or write (disk full, read-only, permissions) exits 1 with one line naming the path).
 * Stacks only for bugs, or for everything with BN_EXP_DEBUG=1.
 */
async function main(argv: string[]): Promise<void> {
  const debug = process.env.BN_EXP_DEBUG === '1';
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander already printed its message (or the help/version text).
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    if (debug) console.error(err);
    const fsError = asFileSystemError(err);
    if (fsError !== undefined) {
      console.error(fsError.message);
      process.exitCode = 1;
    } else if (err instanceof ConfigError) {
      console.error(`Invalid experiment config:\n${err.message}`);
      process.exitCode = 2;
    } else if (err instanceof UsageError) {
      console.error(`${err.message}\n(run bn-exp --help for usage)`);
      process.exitCode = 2;
    } else if (err instanceof Interrupted) {
      console.error(err.message);
      process.exitCode = 128 + (constants.signals[err.signal] ?? 2);
    } else if (err instanceof CheckFailed) {
      console.error(err.message);
      process.exitCode = 1;
    } else {
      if (!debug) console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
      console.error('bn-exp: internal error: this is a bug, please report it with the stack above');
      process.exitCode = 3;
    }
  }
}

await main(process.argv);
