// Human names for swept values, config cells, metrics and targets (pure).

/** The axis that turns BN on and off; when swept it is the report's main contrast. */
export const BN_AXIS = 'model.batchNorm';

/**
 * A swept value as written in runs.csv, for a label: strings bare, a list of named objects (shift lists)
 * by their names, other JSON compact, cut at `max` characters.
 */
export function valueLabel(text: string, max = 40): string {
  let label = text;
  if (text.startsWith('[') || text.startsWith('{')) {
    try {
      const value = JSON.parse(text) as unknown;
      const name = (v: unknown): string | undefined => {
        if (typeof v !== 'object' || v === null) return undefined;
        const o = v as Record<string, unknown>;
        return typeof o.name === 'string' ? o.name : typeof o.kind === 'string' ? o.kind : undefined;
      };
      const names = Array.isArray(value) ? value.map(name) : [name(value)];
      if (names.length > 0 && names.every((n) => n !== undefined)) {
        label = names.length > 3 ? `${names.slice(0, 2).join(',')},... (${names.length})` : names.join(',');
      }
    } catch {
      // not JSON after all: keep the text
    }
  }
  return label.length > max ? `${label.slice(0, max - 3)}...` : label;
}

/** Last segment of a dotted path: `model.depth` -> `depth`. */
export function axisName(axis: string): string {
  return axis.slice(axis.lastIndexOf('.') + 1);
}

/** One level of an axis as a series name: `no BN` / `BN (before)` for BN, else `depth=8`. */
export function levelLabel(axis: string, value: string): string {
  if (axis === BN_AXIS) return value === 'off' ? 'no BN' : `BN (${value})`;
  return `${axisName(axis)}=${valueLabel(value)}`;
}

/** A config cell's values on `axes` as `depth=2 lr=0.1` ('' when there are none); `sep` between axes. */
export function cellText(params: Record<string, string>, axes: readonly string[], sep = ' '): string {
  return axes.map((a) => levelLabel(a, params[a] ?? '')).join(sep);
}

/** A cell as a sentence phrase: `with BN (before), at depth=8 and lr=0.1` ('' when there are no axes). */
export function cellPhrase(params: Record<string, string>, axes: readonly string[]): string {
  const at = axes.filter((a) => a !== BN_AXIS).map((a) => levelLabel(a, params[a] ?? ''));
  const parts = axes.includes(BN_AXIS) ? [`with ${levelLabel(BN_AXIS, params[BN_AXIS] ?? '')}`] : [];
  if (at.length > 0) parts.push(`at ${at.join(' and ')}`);
  return parts.join(', ');
}

/** A file-name-safe stem for a figure. */
export function fileStem(text: string): string {
  return text.replace(/@/g, '-at-').replace(/[^A-Za-z0-9._-]+/g, '_');
}

/**
 * Runs whose object-valued sweep levels (whole mappings such as `model: [{depth: 4, batchNorm: off}, ...]`)
 * are rewritten as `key=value` text of only the keys that differ between that axis's levels, e.g.
 * `{batchNorm=before, ghostBatchSize=16}`, so labels stay short; levels that would collide keep their JSON.
 */
export function compactObjectLevels<R extends Record<string, string>>(runs: readonly R[], axes: readonly string[]): R[] {
  const rename = new Map<string, Map<string, string>>();
  for (const axis of axes) {
    const texts = [...new Set(runs.map((r) => r[axis] ?? ''))];
    const objects = texts.map((t) => {
      if (!t.startsWith('{')) return undefined;
      try {
        const v = JSON.parse(t) as unknown;
        return typeof v === 'object' && v !== null && !Array.isArray(v) && !('name' in v) && !('kind' in v)
          ? (v as Record<string, unknown>)
          : undefined;
      } catch {
        return undefined;
      }
    });
    if (texts.length < 2 || objects.some((o) => o === undefined)) continue;
    const objs = objects as Record<string, unknown>[];
    const keys = [...new Set(objs.flatMap((o) => Object.keys(o)))];
    const varying = keys.filter((k) => new Set(objs.map((o) => JSON.stringify(o[k]))).size > 1);
    const show = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));
    const labels = objs.map((o) => `{${varying.filter((k) => k in o).map((k) => `${k}=${show(o[k])}`).join(', ')}}`);
    if (new Set(labels).size !== labels.length || labels.includes('{}')) continue;
    rename.set(axis, new Map(texts.map((t, i) => [t, labels[i]!])));
  }
  if (rename.size === 0) return [...runs];
  return runs.map((r) => {
    const copy: Record<string, string> = { ...r };
    for (const [axis, m] of rename) copy[axis] = m.get(r[axis] ?? '') ?? copy[axis]!;
    return copy as R;
  });
}
