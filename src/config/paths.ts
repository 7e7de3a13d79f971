/** A plain mapping (what YAML/JSON objects parse to), as opposed to arrays, null and scalars. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Join path parts with dots; array indices stay numbers (`['train', 'target', 0]` -> `train.target.0`). */
export function joinPath(parts: readonly PropertyKey[]): string {
  return parts.map((p) => String(p)).join('.');
}

/**
 * A copy of `root` with `value` stored at `keys`, creating mappings on the way; `root` is not mutated
 * (only the containers along the path are copied). Numeric keys index into existing arrays.
 * Throws a TypeError when a scalar sits in the way (`model.depth.x` with `model.depth: 2`).
 */
export function setIn(root: unknown, keys: readonly string[], value: unknown): unknown {
  return setAt(root, keys, 0, value);
}

function setAt(node: unknown, keys: readonly string[], i: number, value: unknown): unknown {
  const key = keys[i];
  if (key === undefined) return value;
  if (Array.isArray(node) && /^\d+$/.test(key)) {
    const copy = [...(node as unknown[])];
    copy[Number(key)] = setAt(copy[Number(key)], keys, i + 1, value);
    return copy;
  }
  if (node === undefined || node === null || isPlainObject(node)) {
    const obj = node ?? {};
    // Computed keys define own properties, so a `__proto__` key cannot touch the prototype.
    return { ...obj, [key]: setAt(obj[key], keys, i + 1, value) };
  }
  const at = keys.slice(0, i).join('.') || '(top level)';
  throw new TypeError(`${at} holds ${JSON.stringify(node)}, not a mapping`);
}
