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

const SPLIT_NAMES: Record<string, string> = { train: 'train', test: 'test' };

/** A metric column in words: `final_test_acc` -> `final test accuracy`, `test_acc@population` -> `test accuracy (population)`. */
export function metricLabel(metric: string): string {
  const at = metric.indexOf('@');
  const base = at >= 0 ? metric.slice(0, at) : metric;
  const mode = at >= 0 ? ` (${metric.slice(at + 1)})` : '';
  const target = parseTargetColumn(base);
  if (target) return `steps to ${targetLabel(target)}`;
  const m = /^(final_)?(.+)_(acc|loss)$/.exec(base);
  if (m) return `${m[1] ? 'final ' : ''}${SPLIT_NAMES[m[2]!] ?? m[2]!} ${m[3] === 'acc' ? 'accuracy' : 'loss'}${mode}`;
  return `${base.replace(/_/g, ' ')}${mode}`;
}

/** A target of a `steps_to_<metric>_<value>` column. */
export interface TargetColumn {
  column: string;
  metric: string;
  value: number;
}

/** Parse `steps_to_test_acc_0.85` (undefined for other columns, and for `steps_to_target`). */
export function parseTargetColumn(column: string): TargetColumn | undefined {
  const m = /^steps_to_(.+_(?:acc|loss))_([-+0-9.eE]+)$/.exec(column);
  if (!m) return undefined;
  const value = Number(m[2]);
  return Number.isFinite(value) ? { column, metric: m[1]!, value } : undefined;
}

/** A target in words: `85% test accuracy`, `train loss 0.5`. */
export function targetLabel(t: { metric: string; value: number }): string {
  const m = /^(.+)_(acc|loss)$/.exec(t.metric);
  const split = m ? (SPLIT_NAMES[m[1]!] ?? m[1]!) : t.metric;
  if (m?.[2] === 'acc') return `${Number((100 * t.value).toPrecision(4))}% ${split} accuracy`;
  return `${split} loss ${t.value}`;
}

/** A file-name-safe stem for a figure. */
export function fileStem(text: string): string {
  return text.replace(/@/g, '-at-').replace(/[^A-Za-z0-9._-]+/g, '_');
}
