/**
 * Calls `onStop` on the first SIGINT or SIGTERM (stop cleanly: keep finished runs); a second signal exits
 * at once with 128 + signal number. Returns a function that removes the handlers.
 */
export function onStopSignal(onStop: (signal: NodeJS.Signals) => void): () => void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (stopping) {
      process.stderr.write(`\n${signal} again: exiting without waiting\n`);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
    stopping = true;
    onStop(signal);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
