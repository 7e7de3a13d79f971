import { UsageError } from '../errors.js';
import { columnInfo, isNumericKind } from './columns.js';
import { RUN_STATUSES } from './run-rows.js';

// The one place that decides whether the runs.csv and curves.csv of a result set can be trusted. Every
// reader (the analysis commands through readResultSet, merge through its shard folders) calls it, so a
// damaged or hand-edited folder is refused the same way everywhere: exit 2, naming file, line and column.

type Row = Record<string, string>;

/** Columns that are not numbers in runs.csv (besides the swept ones, which may be text). */
const RUNS_TEXT = new Set(['run_id', 'status', 'error']);
/** Metrics an `ok` run must have as finite numbers when present; diverged and failed runs may hold NaN/Infinity. */
const finiteWhenOk = (column: string): boolean => /^(final_|steps$|seed$|generalization_gap$)/.test(column);
/** Columns of curves.csv that hold no measurement: ids, the seed and swept values (the registry says which). */
const notMeasured = (column: string): boolean => !isNumericKind(columnInfo(column)?.kind ?? 'real');

/** At most this many problems are listed: enough to see the pattern, short enough to read. */
const SHOWN = 10;

class Problems {
  readonly list: string[] = [];
  add(message: string): void {
    this.list.push(message);
  }
  throwIfAny(what: string): void {
    if (this.list.length === 0) return;
    const more = this.list.length > SHOWN ? `\n  ... and ${this.list.length - SHOWN} more` : '';
    throw new UsageError(`${what} is damaged or inconsistent; nothing was written:\n  ${this.list.slice(0, SHOWN).join('\n  ')}${more}`);
  }
}

/** A cell `Number()` reads as a number (NaN, Infinity included), or empty: not `abc`, not ` `. */
const NUMERIC = /^(?:[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?Infinity|NaN)$/;
const INTEGER = /^\d+$/;

/** Line of data row `i` (0-based) in its file: the header is line 1. */
const line = (i: number): number => i + 2;

/** Check runs.csv rows: columns run_id and status present, statuses known, ids unique, numbers where numbers belong. */
export function checkRuns(file: string, columns: readonly string[], rows: readonly Row[], axes: readonly string[], p = new Problems()): Problems {
  for (const c of ['run_id', 'seed', 'status']) if (!columns.includes(c)) p.add(`${file}: no "${c}" column`);
  const dup = columns.filter((c, i) => columns.indexOf(c) !== i);
  if (dup.length > 0) p.add(`${file}: column${dup.length > 1 ? 's' : ''} ${[...new Set(dup)].join(', ')} appear twice in the header`);
  if (p.list.length > 0) return p;
  const axisSet = new Set(axes);
  const seen = new Map<string, number>();
  rows.forEach((r, i) => {
    const at = `${file}: line ${line(i)}`;
    const id = r.run_id ?? '';
    if (id === '') p.add(`${at}: empty run_id`);
    const first = seen.get(id);
    if (first !== undefined) p.add(`${at}: run ${id} is listed twice (also line ${line(first)})`);
    else seen.set(id, i);
    const status = r.status ?? '';
    if (!(RUN_STATUSES as readonly string[]).includes(status)) p.add(`${at}, column status: "${status}" is not one of ${RUN_STATUSES.join(', ')}`);
    for (const c of columns) {
      if (RUNS_TEXT.has(c) || axisSet.has(c)) continue;
      const v = r[c] ?? '';
      if (v === '') continue;
      if (!NUMERIC.test(v)) p.add(`${at}, column ${c}: "${v}" is not a number`);
      else if (status === 'ok' && finiteWhenOk(c) && !Number.isFinite(Number(v))) p.add(`${at}, column ${c}: ${v} in a run with status ok`);
    }
    if (!INTEGER.test(r.seed ?? '')) p.add(`${at}, column seed: "${r.seed ?? ''}" is not a whole number`);
  });
  return p;
}

/**
 * Check curves.csv rows against the runs: integer steps, numbers in the metric columns (finite for ok
 * runs), no (run, step) twice, no rows of a run runs.csv does not list (unless `orphansAllowed`: an
 * unfinished folder holds the rows of the run in flight), and rows for every run with status ok.
 */
export function checkCurves(
  file: string,
  columns: readonly string[],
  rows: readonly Row[],
  runs: readonly Row[],
  opts: { orphansAllowed?: boolean } = {},
  p = new Problems(),
): Problems {
  for (const c of ['run_id', 'step']) if (!columns.includes(c)) p.add(`${file}: no "${c}" column`);
  const dup = columns.filter((c, i) => columns.indexOf(c) !== i);
  if (dup.length > 0) p.add(`${file}: column${dup.length > 1 ? 's' : ''} ${[...new Set(dup)].join(', ')} appear twice in the header`);
  if (p.list.length > 0) return p;
  const status = new Map(runs.map((r) => [r.run_id ?? '', r.status ?? '']));
  const seen = new Map<string, number>();
  const withRows = new Set<string>();
  rows.forEach((r, i) => {
    const at = `${file}: line ${line(i)}`;
    const id = r.run_id ?? '';
    const s = status.get(id);
    if (s === undefined) {
      if (opts.orphansAllowed !== true) p.add(`${at}: run ${id || '""'} is not in runs.csv (a row of a run that never committed)`);
      return;
    }
    withRows.add(id);
    const step = r.step ?? '';
    if (!INTEGER.test(step)) p.add(`${at}, column step: "${step}" is not a whole number`);
    const key = `${id}\u0000${step}`;
    const first = seen.get(key);
    if (first !== undefined) p.add(`${at}: run ${id} step ${step} appears twice (also line ${line(first)})`);
    else seen.set(key, i);
    for (const c of columns) {
      if (c === 'step' || notMeasured(c)) continue;
      const v = r[c] ?? '';
      if (v === '') continue;
      if (!NUMERIC.test(v)) p.add(`${at}, column ${c}: "${v}" is not a number`);
      else if (s === 'ok' && !Number.isFinite(Number(v))) p.add(`${at}, column ${c}: ${v} in a run with status ok`);
    }
  });
  const bare = runs.filter((r) => r.status === 'ok' && !withRows.has(r.run_id ?? ''));
  if (bare.length > 0) {
    const ids = bare.slice(0, 5).map((r) => r.run_id).join(', ');
    p.add(`${file}: ${bare.length} run${bare.length > 1 ? 's' : ''} with status ok have no rows (${ids}${bare.length > 5 ? ', ...' : ''})`);
  }
  return p;
}

/** Check a result set's runs and curves together; throws one UsageError listing what is wrong, naming `what`. */
export function checkResultRows(
  what: string,
  runs: { file: string; columns: readonly string[]; rows: readonly Row[] },
  curves: { file: string; columns: readonly string[]; rows: readonly Row[] } | undefined,
  axes: readonly string[],
  opts: { orphansAllowed?: boolean } = {},
): void {
  const p = checkRuns(runs.file, runs.columns, runs.rows, axes);
  if (curves !== undefined && p.list.length === 0) checkCurves(curves.file, curves.columns, curves.rows, runs.rows, opts, p);
  p.throwIfAny(what);
}
