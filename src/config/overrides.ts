import { parse as parseYaml } from 'yaml';
import { UsageError } from '../errors.js';
import { isPlainObject, setIn } from './paths.js';

// `--set path=value` overrides, applied to the raw parsed file before schema validation, so overridden
// values get the same checks and messages as values written in the file.
//
// - The value is YAML: `model.depth=[2,4]`, `train.learningRate=0.1`, `model.batchNorm=off`,
//   `train.target={metric: test_acc, value: 0.9}`.
// - `a.b.c` creates missing mappings on the way; a numeric key indexes an existing list.
// - Sweep keys are dotted paths themselves, so everything after `sweep.` is one key:
//   `sweep.model.depth=[2,4]` sets the `model.depth` axis.
// - Setting a swept path fixes it: `model.depth=3` removes the `model.depth` axis, and setting a parent
//   (`model={...}`) removes every axis below it.

/** One parsed `--set` override. */
export interface Override {
  /** The override as typed, for messages. */
  text: string;
  /** Keys from the root (`sweep.model.depth` -> `['sweep', 'model.depth']`). */
  keys: string[];
  value: unknown;
}

/** Parse one `path=value` string; throws UsageError when it is malformed. */
export function parseOverride(text: string): Override {
  const eq = text.indexOf('=');
  if (eq < 0) throw usage(text, 'expected path=value');
  const path = text.slice(0, eq).trim();
  const valueText = text.slice(eq + 1);
  if (path === '') throw usage(text, 'the path before "=" is empty');
  if (valueText.trim() === '') throw usage(text, `no value after "=" (write ${path}='' for an empty string)`);
  const keys = path === 'sweep' || !path.startsWith('sweep.') ? path.split('.') : ['sweep', path.slice(6)];
  if (keys.some((k) => k.trim() === '')) throw usage(text, `"${path}" is not a dotted path (empty key)`);
  let value: unknown;
  try {
    value = parseYaml(valueText) as unknown;
  } catch (e) {
    throw usage(text, `the value is not valid YAML (${(e as Error).message.split('\n')[0]})`);
  }
  return { text, keys, value };
}

/** Parse every `path=value` string (throws UsageError on the first malformed one). */
export function parseOverrides(texts: readonly string[]): Override[] {
  return texts.map(parseOverride);
}

/** A copy of the raw config with the overrides applied in order; `raw` is not mutated. */
export function applyOverrides(raw: Record<string, unknown>, overrides: readonly Override[]): Record<string, unknown> {
  let out = raw;
  for (const o of overrides) {
    try {
      out = setIn(out, o.keys, o.value) as Record<string, unknown>;
    } catch (e) {
      throw usage(o.text, `cannot set ${o.keys.join('.')}: ${(e as Error).message}`);
    }
    if (o.keys[0] !== 'sweep') out = unsweep(out, o.keys.join('.'));
  }
  return out;
}

// Drop the sweep axes at or below `path`: the user fixed that value on the command line.
function unsweep(raw: Record<string, unknown>, path: string): Record<string, unknown> {
  const sweep = raw.sweep;
  if (!isPlainObject(sweep)) return raw;
  const kept = Object.entries(sweep).filter(([axis]) => axis !== path && !axis.startsWith(`${path}.`));
  return kept.length === Object.keys(sweep).length ? raw : { ...raw, sweep: Object.fromEntries(kept) };
}

function usage(text: string, why: string): UsageError {
  return new UsageError(`--set ${JSON.stringify(text)}: ${why}`);
}
