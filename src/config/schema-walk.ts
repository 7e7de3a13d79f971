import { z } from 'zod';

// Helpers that read the zod schema itself, so messages and key suggestions never drift from it.

type Schema = z.core.$ZodType;

/** The schema inside optional/default/prefault/nullable wrappers. */
export function unwrap(schema: Schema): Schema {
  let s = schema;
  while (
    s instanceof z.ZodOptional ||
    s instanceof z.ZodDefault ||
    s instanceof z.ZodPrefault ||
    s instanceof z.ZodNullable
  ) {
    s = s.unwrap();
  }
  return s;
}

/**
 * The (unwrapped) schema that validates the value at `path` below `schema`, if it can be followed.
 * Through a union, the first option the rest of the path can be followed into wins.
 */
export function schemaAt(schema: Schema, path: readonly PropertyKey[]): Schema | undefined {
  const s = unwrap(schema);
  if (s instanceof z.ZodUnion) {
    for (const option of s.options as readonly Schema[]) {
      const found = path.length === 0 ? undefined : schemaAt(option, path);
      if (found !== undefined) return found;
    }
    if (path.length === 0) return s;
    return undefined;
  }
  const [key, ...rest] = path;
  if (key === undefined) return s;
  let child: Schema | undefined;
  if (s instanceof z.ZodObject) child = (s.shape as Record<string, Schema>)[String(key)];
  else if (s instanceof z.ZodArray) child = s.element;
  else if (s instanceof z.ZodRecord) child = s.valueType;
  return child === undefined ? undefined : schemaAt(child, rest);
}

/**
 * For a union, the option `input` belongs to by type (the first that fails on more than the top-level
 * type, or accepts it); other schemas are returned as they are.
 */
export function narrowUnion(schema: Schema | undefined, input: unknown): Schema | undefined {
  const s = schema === undefined ? undefined : unwrap(schema);
  if (!(s instanceof z.ZodUnion)) return s;
  for (const option of s.options as readonly Schema[]) {
    const result = z.safeParse(option, input);
    if (result.success || !result.error.issues.every((i) => i.code === 'invalid_type' && i.path.length === 0)) {
      return narrowUnion(option, input);
    }
  }
  return s;
}

/** The keys an object schema allows (after unwrapping), or undefined for non-objects. */
export function objectKeys(schema: Schema | undefined): string[] | undefined {
  const s = schema === undefined ? undefined : unwrap(schema);
  return s instanceof z.ZodObject ? Object.keys(s.shape) : undefined;
}

interface Bound {
  value: number;
  inclusive: boolean;
}

/** "an integer >= 1", "a number >= 0 and < 1", "a number": what a number schema accepts. */
export function describeNumber(schema: Schema | undefined): string | undefined {
  const s = schema === undefined ? undefined : unwrap(schema);
  if (!(s instanceof z.ZodNumber)) return undefined;
  const isInt = s.isInt === true;
  let lower: Bound | undefined;
  let upper: Bound | undefined;
  for (const check of s.def.checks ?? []) {
    const def = check._zod.def as { check: string; value?: unknown; inclusive?: boolean };
    if (typeof def.value !== 'number') continue;
    const bound = { value: def.value, inclusive: def.inclusive === true };
    if (def.check === 'greater_than' && (lower === undefined || bound.value >= lower.value)) lower = bound;
    if (def.check === 'less_than' && (upper === undefined || bound.value <= upper.value)) upper = bound;
  }
  // Integers read better with inclusive bounds: "> 0" becomes ">= 1".
  if (isInt && lower && !lower.inclusive && Number.isInteger(lower.value)) {
    lower = { value: lower.value + 1, inclusive: true };
  }
  if (isInt && upper && !upper.inclusive && Number.isInteger(upper.value)) {
    upper = { value: upper.value - 1, inclusive: true };
  }
  const parts = [
    lower && `${lower.inclusive ? '>=' : '>'} ${lower.value}`,
    upper && `${upper.inclusive ? '<=' : '<'} ${upper.value}`,
  ].filter((p) => p !== undefined);
  return `${isInt ? 'an integer' : 'a number'}${parts.length ? ` ${parts.join(' and ')}` : ''}`;
}
