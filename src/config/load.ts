import { readFile } from 'node:fs/promises';
import { ConfigError, UsageError } from '../errors.js';
import { fromZodIssues } from './issues.js';
import { applyOverrides, parseOverrides } from './overrides.js';
import { parseText } from './parse-text.js';
import { isPlainObject } from './paths.js';
import { ExperimentSchema, type ExperimentConfig } from './schema.js';
import { validateExperiment } from './validate.js';

/**
 * Parse, override and validate an experiment file's text (pure). Throws UsageError for a malformed
 * `--set`, and one ConfigError listing every problem: syntax errors first, else every schema issue,
 * else every cross-field issue (those need a config that passed the schema).
 */
export function parseExperiment(text: string, file: string, overrides: readonly string[] = []): ExperimentConfig {
  const sets = parseOverrides(overrides);
  let raw = parseText(text, file);
  // An empty file is an empty mapping; a non-mapping top level is left for the schema to report.
  if (raw === null || raw === undefined) raw = {};
  if (isPlainObject(raw)) raw = applyOverrides(raw, sets);
  const parsed = ExperimentSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) throw new ConfigError(file, fromZodIssues(parsed.error.issues, ExperimentSchema, [], raw));
  const issues = validateExperiment(parsed.data);
  if (issues.length > 0) throw new ConfigError(file, issues);
  return parsed.data;
}

/** Read and parse an experiment file (YAML, or JSON for `.json`); a missing/unreadable file is a UsageError. */
export async function readExperiment(file: string, overrides: readonly string[] = []): Promise<ExperimentConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message;
    throw new UsageError(`cannot read experiment file ${file}: ${why}`);
  }
  return parseExperiment(text, file, overrides);
}
