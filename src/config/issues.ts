import { z } from 'zod';
import type { ConfigIssue } from '../errors.js';
import { joinPath } from './paths.js';
import { childValue, describeNumber, discriminatorValues, narrowUnion, objectKeys, schemaAt } from './schema-walk.js';
import { keyHint } from '../util/suggest.js';

type Schema = z.core.$ZodType;
type ZodIssue = z.core.$ZodIssue;

/**
 * Turn zod issues into ConfigIssues with dotted paths and "expected ...; got ..." messages.
 * `schema` is the schema the issue paths are relative to; `prefix` is prepended to every path; `input`
 * (the value `schema` validated) picks the option of a discriminated union (data.kind, shift kinds).
 * Unknown keys become one issue each, with a "did you mean" drawn from the keys the schema allows there.
 */
export function fromZodIssues(
  issues: readonly ZodIssue[],
  schema: Schema,
  prefix: readonly PropertyKey[] = [],
  input?: unknown,
): ConfigIssue[] {
  return issues.flatMap((issue) => convert(issue, schema, prefix, input));
}

function convert(issue: ZodIssue, schema: Schema, prefix: readonly PropertyKey[], input: unknown): ConfigIssue[] {
  const parts = [...prefix, ...issue.path];
  const path = joinPath(parts);
  if (issue.code === 'invalid_union' && 'discriminator' in issue) return [convertTag(issue, schema, parts)];
  // zod reports straight through a union when only one option has the right type; follow it too.
  const found = schemaAt(schema, issue.path, input);
  const at = issue.code === 'invalid_union' ? found : narrowUnion(found, issue.input);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = objectKeys(at) ?? [];
      return issue.keys.map((key) => ({
        path: joinPath([...parts, key]),
        message: `unknown key${keyHint(key, allowed)}`,
      }));
    }
    case 'invalid_union':
      return convertUnion(issue, at, parts, issue.path.reduce<unknown>(childValue, input));
    default:
      return [{ path, message: describeIssue(issue, at) }];
  }
}

// A union fails with one issue list per branch. Follow the branch whose type matched (the value got
// further there); when no branch matched, say which types would have been accepted.
function convertUnion(
  issue: Extract<ZodIssue, { code: 'invalid_union' }>,
  at: Schema | undefined,
  parts: readonly PropertyKey[],
  value: unknown,
): ConfigIssue[] {
  const options = unionOptions(at);
  const matched = issue.errors.findIndex((branch) => !branch.every(isRootTypeMismatch));
  const option = options[matched];
  const branch = issue.errors[matched];
  if (option !== undefined && branch !== undefined) return fromZodIssues(branch, option, parts, value);
  const expected = issue.errors.map((branch, i) => {
    const first = branch[0];
    return first === undefined ? 'another type' : expectation(first, options[i]);
  });
  return [{ path: joinPath(parts), message: `expected ${orList(unique(expected))}; ${got(issue.input, true)}` }];
}

// A discriminated union (data.kind, shift kinds) whose tag matched no option: name the tags it accepts.
// zod reports it at the tag's path with the whole mapping as input.
function convertTag(issue: Extract<ZodIssue, { code: 'invalid_union' }>, schema: Schema, parts: readonly PropertyKey[]): ConfigIssue {
  const owner = schemaAt(schema, issue.path.slice(0, -1));
  const tags = discriminatorValues(owner);
  const tag = tags?.tag ?? String(issue.path.at(-1));
  const input = issue.input;
  const value = typeof input === 'object' && input !== null ? (input as Record<string, unknown>)[tag] : input;
  const expected = tags === undefined ? 'a known value' : `one of ${tags.values.join(', ')}`;
  const message = value === undefined ? `missing (expected ${expected})` : `expected ${expected}; ${got(value, false)}`;
  return { path: joinPath(parts), message };
}

function isRootTypeMismatch(issue: ZodIssue): boolean {
  return issue.code === 'invalid_type' && issue.path.length === 0;
}

function unionOptions(schema: Schema | undefined): Schema[] {
  return schema instanceof z.ZodUnion ? [...(schema.options as readonly Schema[])] : [];
}

function describeIssue(issue: ZodIssue, at: Schema | undefined): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return `missing (expected ${expectation(issue, at)})`;
      return `expected ${expectation(issue, at)}; ${got(issue.input, true)}`;
    case 'invalid_value': {
      const { values, input } = issue;
      const expected = values.length === 1 ? formatValue(values[0]) : `one of ${values.map(String).join(', ')}`;
      return input === undefined ? `missing (expected ${expected})` : `expected ${expected}; ${got(input, false)}`;
    }
    case 'too_small':
    case 'too_big':
      if (issue.origin === 'number') return `expected ${expectation(issue, at)}; ${got(issue.input, false)}`;
      if (issue.origin === 'array') {
        const n = Number(issue.code === 'too_small' ? issue.minimum : issue.maximum);
        const bound = issue.code === 'too_small' ? 'at least' : 'at most';
        const length = Array.isArray(issue.input) ? issue.input.length : '?';
        return `expected a list with ${bound} ${n} item${n === 1 ? '' : 's'}; got ${length}`;
      }
      return issue.message;
    case 'invalid_format':
      // A custom message on the schema (e.g. the `name` regex) already says what is expected.
      if (!issue.message.startsWith('Invalid')) return `expected ${issue.message}; ${got(issue.input, false)}`;
      return `expected a string matching ${issue.pattern ?? issue.format}; ${got(issue.input, false)}`;
    default:
      return issue.message;
  }
}

const TYPE_NAMES: Record<string, string> = {
  number: 'a number',
  int: 'an integer',
  string: 'a string',
  boolean: 'true or false',
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
  null: 'null',
};

// What the schema at the issue's position accepts, read from the schema when it is a number.
function expectation(issue: ZodIssue, at: Schema | undefined): string {
  const num = describeNumber(at);
  if (num !== undefined) return num;
  if (issue.code === 'invalid_type') return TYPE_NAMES[issue.expected] ?? issue.expected;
  if (issue.code === 'too_small') return `a number ${issue.inclusive ? '>=' : '>'} ${String(issue.minimum)}`;
  if (issue.code === 'too_big') return `a number ${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}`;
  return issue.message;
}

// "got 0", "got 'bfore'"; with `typed`, a string's type is named too ("got string 'abc'").
function got(input: unknown, typed: boolean): string {
  if (typeof input === 'string') return `got ${typed ? 'string ' : ''}${formatValue(input)}`;
  if (Array.isArray(input)) return 'got a list';
  if (typeof input === 'object' && input !== null) return 'got a mapping';
  if (typeof input === 'boolean' && typed) return `got boolean ${input}`;
  return `got ${formatValue(input)}`;
}

/** A value as it appears in messages: strings in single quotes, numbers as written, objects as JSON. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return `'${value.length > 40 ? `${value.slice(0, 37)}...` : value}'`;
  if (typeof value === 'number' || typeof value === 'bigint' || value === undefined) return String(value);
  return JSON.stringify(value);
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}

function orList(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}
