/** Leaves of a JSON-like value as dotted path -> compact JSON (arrays are leaves). */
function flatten(value: unknown, prefix: string, out: Map<string, string>): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix === '' ? k : `${prefix}.${k}`, out);
  } else {
    out.set(prefix, JSON.stringify(value) ?? 'undefined');
  }
}

/** Top-level keys that say what is expected of the results, not how they are made: not a config change. */
const NOT_SETUP = new Set(['claims']);

/** Differences between two configs as `path: old -> new` lines, sorted by path, claims left out (pure). */
export function configChanges(before: unknown, after: unknown): string[] {
  const a = new Map<string, string>();
  const b = new Map<string, string>();
  flatten(before, '', a);
  flatten(after, '', b);
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  return paths.filter((p) => !NOT_SETUP.has(p.split('.')[0]!) && a.get(p) !== b.get(p)).map((p) => `${p}: ${a.get(p) ?? '(absent)'} -> ${b.get(p) ?? '(absent)'}`);
}
