import chalk from 'chalk';
import { cellLabel } from '../analysis/cells.js';
import type { Comparison, ComparisonRow } from '../analysis/compare.js';
import { alignColumns, fmt, fmtP, fmtSigned, markdownTable } from './table.js';

// Renderings of a Comparison: a coloured terminal table, Markdown, CSV rows and JSON (pure string out).

/** Output formats of `bn-exp compare` (the choices declared in commands.ts). */
export type CompareFormat = 'table' | 'md' | 'csv' | 'json';

/** Fixed columns of the CSV output, after one column per swept path of the cell. */
const CSV_COLUMNS = [
  'a', 'b', 'metric', 'test', 'n_a', 'n_b', 'mean_a', 'mean_b', 'diff', 'diff_ci_low', 'diff_ci_high',
  't', 'df', 'p', 'p_holm', 'method', 'changed', 'verdict', 'diverged_a', 'diverged_b', 'censored_a', 'censored_b',
];

/** Column order of the CSV (and the keys of each JSON row). */
export function compareCsvColumns(comp: Comparison): string[] {
  return [...comp.cellAxes, ...CSV_COLUMNS];
}

const num = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** One flat record per row (numbers; null where a statistic does not exist). */
export function compareRecords(comp: Comparison): Record<string, string | number | boolean | null>[] {
  return comp.rows.map((r) => ({
    ...r.cell,
    a: r.labelA,
    b: r.labelB,
    metric: r.metric,
    test: r.test.kind,
    n_a: r.test.nA,
    n_b: r.test.nB,
    mean_a: num(r.test.meanA),
    mean_b: num(r.test.meanB),
    diff: num(r.test.diff),
    diff_ci_low: num(r.test.ci.low),
    diff_ci_high: num(r.test.ci.high),
    t: Number.isNaN(r.test.t) ? null : r.test.t, // +-Infinity (zero-variance difference) is kept
    df: num(r.test.df),
    p: num(r.test.p),
    p_holm: num(r.pHolm),
    method: r.method,
    changed: r.changed,
    verdict: r.verdict,
    diverged_a: r.divergedA,
    diverged_b: r.divergedB,
    censored_a: r.censoredA,
    censored_b: r.censoredB,
  }));
}

/** JSON document: the labels, alpha, the one-sided cells and every row. */
export function renderJson(comp: Comparison): string {
  const tests = comp.rows.filter((r) => !Number.isNaN(r.pHolm)).length;
  return `${JSON.stringify({ alpha: comp.alpha, tests, onlyA: comp.onlyA, onlyB: comp.onlyB, rows: compareRecords(comp) }, null, 2)}\n`;
}

function nText(r: ComparisonRow): string {
  const n = r.test.kind === 'paired' ? `${r.test.nA} pair${r.test.nA === 1 ? '' : 's'}` : `${r.test.nA}/${r.test.nB}`;
  const extra = [
    r.divergedA + r.divergedB > 0 ? `diverged ${r.divergedA}/${r.divergedB}` : '',
    r.censoredA + r.censoredB > 0 ? `censored ${r.censoredA}/${r.censoredB}` : '',
  ].filter((s) => s !== '');
  return extra.length === 0 ? n : `${n}, ${extra.join(', ')}`;
}

function cells(r: ComparisonRow, colour: boolean, withB: boolean): string[] {
  const t = r.test;
  let diff = `${fmtSigned(t.diff)} [${fmt(t.ci.low)}, ${fmt(t.ci.high)}]`;
  if (colour) diff = r.verdict === 'better' ? chalk.green(diff) : r.verdict === 'worse' ? chalk.red(diff) : chalk.dim(diff);
  return [
    cellLabel(r.cell),
    ...(withB ? [r.labelB] : []),
    r.metric,
    fmt(t.meanA),
    fmt(t.meanB),
    diff,
    Number.isNaN(t.p) ? 'n/a' : fmtP(t.p),
    Number.isNaN(r.pHolm) ? 'n/a' : fmtP(r.pHolm),
    r.verdict,
    r.method === 'sign' ? 'sign' : r.method === 'none' ? 'not enough seeds to test' : t.kind,
    nText(r),
  ];
}

function header(withB: boolean): string[] {
  return ['cell', ...(withB ? ['B'] : []), 'metric', 'A', 'B', 'B - A [95% CI]', 'p', 'p (Holm)', 'verdict', 'test', 'n'];
}

/** Rows the default view shows: significant changes, and cells where divergence or censoring counts differ. */
export function isNotable(r: ComparisonRow): boolean {
  return r.changed || r.divergedA !== r.divergedB || r.censoredA !== r.censoredB;
}

function footer(comp: Comparison, shown: number, all: boolean): string[] {
  const tests = comp.rows.filter((r) => !Number.isNaN(r.pHolm)).length;
  const changed = comp.rows.filter((r) => r.changed).length;
  const lines = [
    `${changed} of ${tests} tests changed significantly (Holm-adjusted p < ${comp.alpha} across all ${tests})` +
      (all || shown === comp.rows.length
        ? ''
        : `; shown: those and rows whose diverged/censored counts differ (${shown}); --all shows all ${comp.rows.length} rows`),
  ];
  const untested = comp.rows.length - tests;
  if (untested > 0) {
    lines.push(`${untested} rows not tested (verdict n/a): not enough seeds to test (fewer than 3 pairs or 3 runs a side, or zero variance)`);
  }
  if (comp.onlyA.length > 0) lines.push(`only in A: ${comp.onlyA.join('; ')}`);
  if (comp.onlyB.length > 0) lines.push(`only in B: ${comp.onlyB.join('; ')}`);
  return lines;
}

function labels(comp: Comparison): { line: string; withB: boolean } {
  const as = [...new Set(comp.rows.map((r) => r.labelA))];
  const bs = [...new Set(comp.rows.map((r) => r.labelB))];
  return { line: `A = ${as.join(', ')}; B = ${bs.join(', ')}`, withB: bs.length > 1 };
}

/** The terminal table: only changed rows unless `all`; differences coloured by better/worse. */
export function renderTable(comp: Comparison, opts: { all: boolean }): string {
  const rows = opts.all ? comp.rows : comp.rows.filter(isNotable);
  const { line, withB } = labels(comp);
  const body = rows.length === 0 ? [] : alignColumns([header(withB).map((h) => chalk.bold(h)), ...rows.map((r) => cells(r, true, withB))]);
  return [line, '', ...body, ...(body.length > 0 ? [''] : []), ...footer(comp, rows.length, opts.all)].join('\n') + '\n';
}

/** A Markdown table with the same rows and footer as the terminal table. */
export function renderMarkdown(comp: Comparison, opts: { all: boolean }): string {
  const rows = opts.all ? comp.rows : comp.rows.filter(isNotable);
  const { line, withB } = labels(comp);
  const table = rows.length === 0 ? [] : [markdownTable(header(withB), rows.map((r) => cells(r, false, withB))), ''];
  return [line, '', ...table, ...footer(comp, rows.length, opts.all).map((l) => `${l}  `)].join('\n') + '\n';
}
