import { readFile } from 'node:fs/promises';
import { ConfigError, UsageError } from '../errors.js';
import { type AxisLevels, claimIssues, levelText } from './claim-rules.js';
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
  return parseExperimentNoted(text, file, overrides).config;
}

/** A parsed config, and the names of the claims an override set aside (their axis or levels are no longer swept). */
export interface ParsedExperiment {
  config: ExperimentConfig;
  claimsSetAside: string[];
}

/**
 * `parseExperiment`, saying which claims were set aside: a claim that names axes and levels of the file's
 * own sweep stays valid in the file; when `--set`/`--unset` removes those axes or levels (a shortened run),
 * the claim cannot be evaluated on this run and is left out of it instead of refusing the run.
 */
export function parseExperimentNoted(text: string, file: string, overrides: readonly string[] = []): ParsedExperiment {
  const sets = parseOverrides(overrides);
  // The YAML parser's duplicate-key check is quadratic in a mapping's keys: count them in the text first.
  const keyLike = text.match(/:(?=\s)/g)?.length ?? 0;
  if (keyLike > MAX_KEYS) throw tooManyKeys(file);
  let raw = parseText(text, file);
  refuseOddShapes(raw, file);
  // An empty file is an empty mapping; a non-mapping top level is left for the schema to report.
  if (raw === null || raw === undefined) raw = {};
  const original = raw;
  if (isPlainObject(raw)) raw = applyOverrides(raw, sets);
  const parsed = ExperimentSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) throw new ConfigError(file, fromZodIssues(parsed.error.issues, ExperimentSchema, [], raw));
  const claimsSetAside = sets.length > 0 ? claimsOverridden(parsed.data, original) : [];
  const config = claimsSetAside.length === 0 ? parsed.data : { ...parsed.data, claims: (parsed.data.claims ?? []).filter((c) => !claimsSetAside.includes(c.name)) };
  const issues = validateExperiment(config);
  if (issues.length > 0) throw new ConfigError(file, issues);
  return { config, claimsSetAside };
}

/** Names of the claims valid against the file's own sweep but not against the overridden one. */
function claimsOverridden(config: ExperimentConfig, original: unknown): string[] {
  const axesOf = (sweep: unknown): AxisLevels =>
    new Map(Object.entries(isPlainObject(sweep) ? sweep : {}).map(([axis, values]) => [axis, Array.isArray(values) ? values.map(levelText) : []]));
  const now = axesOf(config.sweep);
  const before = axesOf(isPlainObject(original) ? original.sweep : undefined);
  return (config.claims ?? []).filter((c) => claimIssues([c], now).length > 0 && claimIssues([c], before).length === 0).map((c) => c.name);
}

/** Most mapping keys a config may hold: real experiments have dozens; checking far more would take long. */
export const MAX_KEYS = 5000;

const tooManyKeys = (file: string): ConfigError =>
  new ConfigError(file, [{ path: '', message: `more than ${MAX_KEYS} keys; an experiment config needs far fewer (split it, or list values in arrays)` }]);

function countKeys(v: unknown, budget: number): number {
  if (Array.isArray(v)) return v.reduce((n: number, x) => (n > budget ? n : n + countKeys(x, budget - n)), 0);
  if (!isPlainObject(v)) return 0;
  let n = 0;
  for (const key of Object.keys(v)) {
    n += 1 + countKeys(v[key], budget - n);
    if (n > budget) break;
  }
  return n;
}

/** Refuse, before the schema, what it would not report: too many keys, and a `__proto__` sweep key (dropped silently otherwise). */
function refuseOddShapes(raw: unknown, file: string): void {
  const keys = countKeys(raw, MAX_KEYS);
  if (keys > MAX_KEYS) throw tooManyKeys(file);
  if (isPlainObject(raw) && isPlainObject(raw.sweep) && Object.prototype.hasOwnProperty.call(raw.sweep, '__proto__')) {
    throw new ConfigError(file, [{ path: 'sweep.__proto__', message: 'not a sweep axis (a dotted path under data, model or train)' }]);
  }
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
  const { config, claimsSetAside } = parseExperimentNoted(text, file, overrides);
  if (claimsSetAside.length > 0) {
    console.error(`note: the overrides remove axes or levels that claim${claimsSetAside.length > 1 ? 's' : ''} ${claimsSetAside.join(', ')} compare${claimsSetAside.length > 1 ? '' : 's'}: left out of this run`);
  }
  return config;
}
