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
 * Through a discriminated union, the option tagged like `input` (the value at `schema`, when known)
 * wins; through other unions, the first option the rest of the path can be followed into.
 */
export function schemaAt(schema: Schema, path: readonly PropertyKey[], input?: unknown): Schema | undefined {
  const s = unwrap(schema);
  if (s instanceof z.ZodUnion) {
    if (path.length === 0) return s;
    if (s instanceof z.ZodDiscriminatedUnion && input !== undefined) {
      const option = narrowUnion(s, input);
      if (option !== undefined && option !== s) return schemaAt(option, path, input);
    }
    for (const option of s.options as readonly Schema[]) {
      const found = schemaAt(option, path, input);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  const [key, ...rest] = path;
  if (key === undefined) return s;
  let child: Schema | undefined;
  if (s instanceof z.ZodObject) child = (s.shape as Record<string, Schema>)[String(key)];
  else if (s instanceof z.ZodArray) child = s.element;
  else if (s instanceof z.ZodRecord) child = s.valueType;
  return child === undefined ? undefined : schemaAt(child, rest, childValue(input, key));
}

/** The value at one key of a mapping or list, or undefined. */
export function childValue(input: unknown, key: PropertyKey): unknown {
  return typeof input === 'object' && input !== null ? (input as Record<PropertyKey, unknown>)[key] : undefined;
}

/**
 * For a union, the option `input` belongs to by type (the first that fails on more than the top-level
 * type, or accepts it); other schemas are returned as they are.
 */
export function narrowUnion(schema: Schema | undefined, input: unknown): Schema | undefined {
  const s = schema === undefined ? undefined : unwrap(schema);
  if (!(s instanceof z.ZodUnion)) return s;
  if (s instanceof z.ZodDiscriminatedUnion) {
    // Pick the option by its tag (a missing tag matches the option whose tag has a default).
    const tag = s.def.discriminator;
    const value = typeof input === 'object' && input !== null ? (input as Record<string, unknown>)[tag] : undefined;
    const option = (s.options as readonly Schema[]).find((o) => {
      const field = schemaField(o, tag);
      return field !== undefined && z.safeParse(field, value).success;
    });
    if (option !== undefined) return narrowUnion(option, input);
  }
  for (const option of s.options as readonly Schema[]) {
    const result = z.safeParse(option, input);
    if (result.success || !result.error.issues.every((i) => i.code === 'invalid_type' && i.path.length === 0)) {
      return narrowUnion(option, input);
    }
  }
  return s;
}

/** The keys an object schema allows (after unwrapping; for a union, every option's keys), or undefined for non-objects. */
export function objectKeys(schema: Schema | undefined): string[] | undefined {
  const s = schema === undefined ? undefined : unwrap(schema);
  if (s instanceof z.ZodObject) return Object.keys(s.shape);
  if (!(s instanceof z.ZodUnion)) return undefined;
  const keys = (s.options as readonly Schema[]).flatMap((o) => objectKeys(o) ?? []);
  return keys.length === 0 ? undefined : [...new Set(keys)];
}

/** The literal values a discriminated union's tag takes, in option order (e.g. data kinds), or undefined. */
export function discriminatorValues(schema: Schema | undefined): { tag: string; values: string[] } | undefined {
  const s = schema === undefined ? undefined : unwrap(schema);
  if (!(s instanceof z.ZodDiscriminatedUnion)) return undefined;
  const tag = s.def.discriminator;
  const values = (s.options as readonly Schema[]).flatMap((o) => {
    const field = schemaField(o, tag);
    const lit = field === undefined ? undefined : unwrap(field);
    return lit instanceof z.ZodLiteral ? [...lit.values].map(String) : [];
  });
  return { tag, values };
}

// The (wrapped) schema of one key of an object schema.
function schemaField(schema: Schema, key: string): Schema | undefined {
  const s = unwrap(schema);
  return s instanceof z.ZodObject ? (s.shape as Record<string, Schema>)[key] : undefined;
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
