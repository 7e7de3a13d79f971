import { z } from 'zod';
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../errors.js';
import { isPlainObject, setIn } from './paths.js';
import { ExperimentSchema } from './schema.js';
import { schemaAt, unwrap } from './schema-walk.js';

// `--set path=value` and `--unset path` overrides, applied to the raw parsed file before schema
// validation, so overridden values get the same checks and messages as values written in the file.
//
// - The value is YAML: `model.depth=3`, `train.learningRate=0.1`, `model.batchNorm=off`,
//   `train.target={metric: test_acc, value: 0.9}`.
// - A list on a path whose value is not a list sweeps it: `model.depth=[2,4]` is the same as
//   `sweep.model.depth=[2,4]`. Hydra's comma form `model.depth=2,4` does the same (not on text paths
//   such as `name`, where a comma is just a character).
// - `~path` (Hydra) or `--unset path` deletes a key, and its sweep axes (the default applies again).
// - `a.b.c` creates missing mappings on the way; a numeric key indexes an existing list.
// - Sweep keys are dotted paths themselves, so everything after `sweep.` is one key:
//   `sweep.model.depth=[2,4]` sets the `model.depth` axis.
// - Setting a swept path fixes it: `model.depth=3` removes the `model.depth` axis, and setting a parent
//   (`model={...}`) removes every axis below it.
// - `train.steps` and `train.epochs` exclude each other: setting (or sweeping) one deletes the other.

/** One parsed override. */
export interface Override {
  /** The override as typed, for messages. */
  text: string;
  /** Keys from the root (`sweep.model.depth` -> `['sweep', 'model.depth']`). */
  keys: string[];
  /** The parsed value; undefined for a deletion. */
  value: unknown;
  /** `~path`: delete the key instead of setting it. */
  unset?: boolean;
  /** Hydra's comma form (`2,4`): the parts, each parsed as YAML, used when the path is not text. */
  commaList?: unknown[];
}

/** Paths that exclude each other: setting one deletes the other. */
const EXCLUSIVE: Record<string, string> = { 'train.steps': 'train.epochs', 'train.epochs': 'train.steps' };

function splitPath(text: string, path: string): string[] {
  const keys = path === 'sweep' || !path.startsWith('sweep.') ? path.split('.') : ['sweep', path.slice(6)];
  if (keys.some((k) => k.trim() === '')) throw usage(text, `"${path}" is not a dotted path (empty key)`);
  return keys;
}

function yamlValue(text: string, valueText: string): unknown {
  try {
    return parseYaml(valueText) as unknown;
  } catch (e) {
    throw usage(text, `the value is not valid YAML (${(e as Error).message.split('\n')[0]})`);
  }
}

/** Parse one `path=value` (or `~path`) string; throws UsageError when it is malformed. */
export function parseOverride(text: string): Override {
  if (text.startsWith('~')) {
    const path = text.slice(1).trim();
    if (path === '') throw usage(text, 'the path after "~" is empty');
    if (path.includes('=')) throw usage(text, `"~" deletes a key and takes no value (write ~${path.split('=')[0]})`);
    return { text, keys: splitPath(text, path), value: undefined, unset: true };
  }
  const eq = text.indexOf('=');
  if (eq < 0) throw usage(text, 'expected path=value (or ~path to delete a key)');
  const path = text.slice(0, eq).trim();
  const valueText = text.slice(eq + 1);
  if (path === '') throw usage(text, 'the path before "=" is empty');
  if (valueText.trim() === '') throw usage(text, `no value after "=" (write ${path}='' for an empty string)`);
  const keys = splitPath(text, path);
  const value = yamlValue(text, valueText);
  const override: Override = { text, keys, value };
  // `2,4` parses as the text "2,4"; keep its parts in case the path turns out not to hold text.
  if (typeof value === 'string' && value.includes(',') && !/^\s*["'[{]/.test(valueText)) {
    override.commaList = value.split(',').map((part) => yamlValue(text, part));
  }
  return override;
}

/** Parse every override string (throws UsageError on the first malformed one). */
export function parseOverrides(texts: readonly string[]): Override[] {
  return texts.map(parseOverride);
}

/** A copy of the raw config with the overrides applied in order; `raw` is not mutated. */
export function applyOverrides(raw: Record<string, unknown>, overrides: readonly Override[]): Record<string, unknown> {
  let out = raw;
  for (const o of overrides) {
    const path = o.keys.join('.');
    if (o.unset) {
      out = unsweep(deleteIn(out, o.keys), o.keys[0] === 'sweep' ? `\0` : path);
      continue;
    }
    const axis = o.keys[0] === 'sweep' ? o.keys.slice(1).join('.') : sweepAxis(out, o);
    const list = o.commaList !== undefined && axis !== undefined ? o.commaList : o.value;
    const target = axis !== undefined ? ['sweep', axis] : o.keys;
    try {
      out = setIn(out, target, axis !== undefined && o.keys[0] !== 'sweep' ? list : o.value) as Record<string, unknown>;
    } catch (e) {
      throw usage(o.text, `cannot set ${path}: ${(e as Error).message}`);
    }
    if (o.keys[0] !== 'sweep' && axis === undefined) out = unsweep(out, path);
    const other = EXCLUSIVE[axis ?? path];
    if (other !== undefined) out = unsweep(deleteIn(out, other.split('.')), other);
  }
  return out;
}

/**
 * The axis an override on a plain path sweeps, if any: a list (or Hydra's `a,b`) on a path whose schema
 * takes no list, and no text for the comma form. Unknown paths are left to the schema's messages.
 */
function sweepAxis(raw: Record<string, unknown>, o: Override): string | undefined {
  if (!Array.isArray(o.value) && o.commaList === undefined) return undefined;
  const schema = schemaAt(ExperimentSchema, o.keys, raw);
  if (schema === undefined) return undefined;
  const options = schema instanceof z.ZodUnion ? (schema.options as z.core.$ZodType[]).map(unwrap) : [schema];
  if (options.some((s) => s instanceof z.ZodArray)) return undefined; // the path takes a list: set it
  if (!Array.isArray(o.value) && options.some((s) => s instanceof z.ZodString)) return undefined; // "a,b" is text
  return o.keys.join('.');
}

// A copy of `root` without the key at `keys` (missing keys on the way: unchanged).
function deleteIn(root: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const [key, ...rest] = keys;
  if (key === undefined || !Object.hasOwn(root, key)) return root;
  if (rest.length === 0) {
    const { [key]: _dropped, ...kept } = root;
    return kept;
  }
  const child = root[key];
  return isPlainObject(child) ? { ...root, [key]: deleteIn(child, rest) } : root;
}

// Drop the sweep axes at or below `path`: the user fixed (or deleted) that value on the command line.
function unsweep(raw: Record<string, unknown>, path: string): Record<string, unknown> {
  const sweep = raw.sweep;
  if (!isPlainObject(sweep)) return raw;
  const kept = Object.entries(sweep).filter(([axis]) => axis !== path && !axis.startsWith(`${path}.`));
  return kept.length === Object.keys(sweep).length ? raw : { ...raw, sweep: Object.fromEntries(kept) };
}

// `--unset x` arrives as `~x`, so messages name both forms' shared spelling.
function usage(text: string, why: string): UsageError {
  return new UsageError(`--set ${JSON.stringify(text)}: ${why}`);
}
