// Helper shared by the config tests.
import { ConfigError } from '../errors.js';

/** The lines of the ConfigError that `load` throws ([] when it loads); other errors propagate. */
export function configIssues(load: () => unknown): string[] {
  try {
    load();
  } catch (e) {
    if (e instanceof ConfigError) return e.message.split('\n');
    throw e;
  }
  return [];
}
