import { type CompareGroup, levelGroups } from '../analysis/compare.js';
import { columnRange } from '../record/columns.js';
import { type CsvRow, groupCells, okRuns } from '../analysis/cells.js';
import type { ReportClaims } from './sections/claims.js';
import type { Description } from '../stats/describe.js';
import { type EvidenceOptions, rankByEvidence } from './evidence.js';
import { evalEveryFrom, summarizeMetric } from '../analysis/metric-intervals.js';
import { BN_AXIS, levelLabel } from './labels.js';
import { type LevelPair, type NamedContrast, namedContrast } from './named-contrast.js';

// What the report is made from (the tables of one result set, all cells strings) and the roles its
// swept axes play in the charts. Pure.

/** The tables of a result set that the report reads; absent files are empty lists. */
export interface ReportData {
  name: string;
  question: string;
  description: string;
  /** Swept dotted paths (the runs.csv columns between `seed` and `status`). */
  axes: string[];
  runs: CsvRow[];
  runsColumns: string[];
  curves: CsvRow[];
  curvesColumns: string[];
  layers: CsvRow[];
  landscape: CsvRow[];
  shifts: CsvRow[];
  /** The resolved config from manifest.json (for values that were not swept); {} without a manifest. */
  config: Record<string, unknown>;
  /** The config's claims checked on this result set (claims.csv's rows); absent when it states none. */
  claims?: ReportClaims | undefined;
}

/** The axis whose levels the report contrasts (BN when swept), its reference level and all levels. */
export interface Contrast {
  axis: string;
  /** The level the others are compared with: `off` for BN, else the first level. */
  ref: string;
  /** Levels in display order, `ref` first. */
  levels: string[];
}

/** How a chart of per-cell values is laid out: colour = contrast, x = one more axis, panels = the rest. */
export interface Layout {
  contrast: Contrast | undefined;
  x: string | undefined;
  panels: string[];
}

const isNumeric = (v: string): boolean => v.trim() !== '' && Number.isFinite(Number(v));

/** Values of `axis` in display order: numeric ascending when all are numbers, else first appearance (BN `off` first). */
export function levelsOf(runs: readonly CsvRow[], axis: string): string[] {
  const levels = [...new Set(runs.map((r) => r[axis] ?? ''))];
  if (levels.every(isNumeric)) return levels.sort((a, b) => Number(a) - Number(b));
  if (axis === BN_AXIS && levels.includes('off')) return ['off', ...levels.filter((l) => l !== 'off')];
  return levels;
}

/** Swept axes that take at least two values in the runs (the ones worth a label). */
export function activeAxes(data: Pick<ReportData, 'axes' | 'runs'>): string[] {
  return data.axes.filter((a) => levelsOf(data.runs, a).length >= 2);
}

/**
 * The `report.contrast` of the result set's config when this result set can answer it: its axes are swept
 * here and every named level has runs (a merged or overridden set may lack them); else undefined.
 */
export function usableNamedContrast(data: Pick<ReportData, 'axes' | 'runs'> & { config?: Record<string, unknown> }): NamedContrast | undefined {
  const named = namedContrast(data.config);
  if (!named) return undefined;
  const ok = (p: LevelPair): boolean => {
    const levels = levelsOf(data.runs, p.axis);
    return data.axes.includes(p.axis) && levels.includes(p.a) && levels.includes(p.b);
  };
  return ok(named.of) && (!named.by || ok(named.by)) ? named : undefined;
}

/**
 * The contrast: the axis `report.contrast` names (its A level as the reference), else BN when it is swept,
 * else the first axis with two or more levels; undefined when nothing varies.
 */
export function contrastOf(data: Pick<ReportData, 'axes' | 'runs'> & { config?: Record<string, unknown> }): Contrast | undefined {
  const named = usableNamedContrast(data)?.of;
  if (named) {
    const rest = levelsOf(data.runs, named.axis).filter((l) => l !== named.a && l !== named.b);
    return { axis: named.axis, ref: named.a, levels: [named.a, named.b, ...rest] };
  }
  const active = activeAxes(data);
  const axis = active.includes(BN_AXIS) ? BN_AXIS : active[0];
  if (axis === undefined) return undefined;
  const levels = levelsOf(data.runs, axis);
  return { axis, ref: levels[0]!, levels };
}

/** Series name of a row: its contrast level, or `all runs`. */
export function seriesOf(row: Record<string, string>, contrast: Contrast | undefined): string {
  return contrast ? levelLabel(contrast.axis, row[contrast.axis] ?? '') : 'all runs';
}

/** Series names in display order. */
export function seriesOrder(contrast: Contrast | undefined): string[] {
  return contrast ? contrast.levels.map((l) => levelLabel(contrast.axis, l)) : ['all runs'];
}

/** Colour = contrast, x = the first other active axis (numeric ones first), panels = the remaining axes. */
export function layoutOf(data: Pick<ReportData, 'axes' | 'runs'> & { config?: Record<string, unknown> }): Layout {
  const contrast = contrastOf(data);
  const others = activeAxes(data).filter((a) => a !== contrast?.axis);
  const numeric = others.filter((a) => levelsOf(data.runs, a).every(isNumeric));
  const x = numeric[0] ?? others[0];
  return { contrast, x, panels: others.filter((a) => a !== x) };
}

/** Statistics of one metric in one config cell: counts of its runs and a description of its ok values. */
export interface CellStat {
  params: Record<string, string>;
  runs: number;
  ok: number;
  diverged: number;
  failed: number;
  /** n, mean, std, se and t CI over the ok runs with a finite value. */
  stats: Description;
}

/** Per config cell (cells of `axes`), the t-based statistics of `metric` over its ok runs. */
export function cellStats(runs: readonly CsvRow[], axes: readonly string[], metric: string): CellStat[] {
  return groupCells(runs, axes).map((cell) => ({
    params: cell.params,
    runs: cell.runs.length,
    ok: okRuns(cell.runs).length,
    diverged: cell.runs.filter((r) => r.status === 'diverged').length,
    failed: cell.runs.filter((r) => r.status === 'failed').length,
    stats: summarizeMetric(okRuns(cell.runs), metric, evalEveryFrom(undefined)),
  }));
}

/** True when some row holds a finite number in `column`. */
export function hasValues(rows: readonly CsvRow[], column: string): boolean {
  return rows.some((r) => Number.isFinite(Number(r[column] ?? '')) && (r[column] ?? '').trim() !== '');
}

/** A value of the resolved config by dotted path (undefined when absent). */
export function configValue(config: Record<string, unknown>, dotted: string): unknown {
  let at: unknown = config;
  for (const key of dotted.split('.')) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

/** A comparison group with the level names of its two sides. */
export interface ContrastGroup extends CompareGroup {
  /** The B side's level of the contrast axis. */
  level: string;
}

/**
 * Each non-reference level of the contrast against the reference level, within every cell of the other
 * axes (runs of the same seeds, so paired where both sides hold them). Labels are series names.
 */
export function contrastGroups(data: Pick<ReportData, 'name' | 'axes' | 'runs'> & { config?: Record<string, unknown> }, contrast: Contrast): ContrastGroup[] {
  const { axis, ref } = contrast;
  // levelGroups compares with the first level it meets: put the reference level's runs first.
  const runs = [...data.runs.filter((r) => r[axis] === ref), ...data.runs.filter((r) => r[axis] !== ref)];
  // the config gives train.evalEvery: the resolution of steps-to-target intervals
  const manifest = data.config === undefined ? undefined : { config: data.config };
  const { groups } = levelGroups({ name: data.name, axes: data.axes, runs, curves: [], manifest }, axis);
  return groups.map((g) => {
    const level = g.b[0]?.[axis] ?? '';
    return { ...g, level, labelA: levelLabel(axis, ref), labelB: levelLabel(axis, level) };
  });
}

/**
 * The contrast's groups in the order a headline names them: the cells where `metric` differs most first
 * (evidence.ts); only the named B level against A when `report.contrast` names them.
 */
export function headlineGroups(
  data: Pick<ReportData, 'name' | 'axes' | 'runs'> & { config?: Record<string, unknown> },
  contrast: Contrast,
  metric: string,
  opts: EvidenceOptions = {},
): ContrastGroup[] {
  const named = usableNamedContrast(data)?.of;
  const groups = contrastGroups(data, contrast).filter((g) => !named || named.axis !== contrast.axis || g.level === named.b);
  return rankByEvidence(groups, metric, data.runs, data.axes, opts);
}

/** A summary cell as a number (NaN for '' or a missing cell). */
export function numOf(v: string | number | undefined): number {
  return typeof v === 'number' ? v : v === undefined || v.trim() === '' ? Number.NaN : Number(v);
}

/** A CI end for drawing: clipped to the metric's range (accuracies [0, 1], losses >= 0); null when not finite. */
export function clipped(metric: string, x: number): number | null {
  if (!Number.isFinite(x)) return null;
  const [low, high] = columnRange(metric);
  return Math.min(high, Math.max(low, x));
}
