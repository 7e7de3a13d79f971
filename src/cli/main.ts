import { runCli } from './entry.js';

// The process entry (bin/bn-exp.js imports it): the error boundary and exit codes are in entry.ts, so
// tests can run a command line in process.
process.exitCode = await runCli(process.argv);
