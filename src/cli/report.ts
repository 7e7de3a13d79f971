import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ClaimResult } from '../analysis/claims.js';
import type { ClaimConfig, ExperimentConfig } from '../config/schema.js';
import { ConfigError, onPath } from '../errors.js';
import { CLAIMS_CSV } from '../record/claims-file.js';
import { readCsv } from '../record/csv.js';
import { lockFolder } from '../record/lock.js';
import { readResultSet, type ResultSet, resultsDirOf } from '../record/result-set.js';
import { LANDSCAPE_CSV, LAYERS_CSV, SHIFTS_CSV, writeFileAtomic } from '../record/results.js';
import { buildReport } from '../report/build.js';
import type { ReportData } from '../report/data.js';
import { reportHtml } from '../report/html.js';
import { reportMarkdown } from '../report/markdown.js';
import { inlineSvg, specToSvg, svgToPng } from '../report/render.js';
import { compactObjectLevels } from '../report/labels.js';
import type { ReportClaims } from '../report/sections/claims.js';
import { claimsOf } from './claims.js';

/** File name of the self-contained HTML report. */
export const REPORT_HTML = 'report.html';
/** File name of the Markdown report (figures linked from FIGURES_DIR). */
export const REPORT_MD = 'report.md';
/** Folder of the figure files, inside the report's output folder. */
export const FIGURES_DIR = 'figures';

/** Options of `bn-exp report`. */
export interface ReportOptions {
  /** Output folder (default: the results folder). */
  out?: string;
}

/** Everything the report reads from a results folder; optional files (layers, landscape, shifts) may be absent. */
export function readReportData(results: string): ReportData {
  const rs = readResultSet(results);
  const optional = (file: string): Record<string, string>[] => (existsSync(path.join(rs.dir, file)) ? readCsv(path.join(rs.dir, file)) : []);
  const m = rs.manifest ?? {};
  const text = (v: unknown): string => (typeof v === 'string' ? v : '');
  return {
    name: rs.name,
    question: text(m.question),
    description: text(m.description),
    axes: rs.axes,
    runs: compactObjectLevels(rs.runs, rs.axes),
    runsColumns: rs.runsColumns,
    curves: rs.curves,
    curvesColumns: rs.curvesColumns,
    layers: optional(LAYERS_CSV),
    landscape: optional(LANDSCAPE_CSV),
    shifts: optional(SHIFTS_CSV),
    config: typeof m.config === 'object' && m.config !== null ? (m.config as Record<string, unknown>) : {},
    claims: reportClaims(rs),
  };
}

/** A claims.csv row back as a verdict ('' ends: a missing low, an open high when the low is finite). */
function claimFromCsv(row: Record<string, string>): ClaimResult {
  const num = (v: string | undefined): number => (v === undefined || v === '' ? Number.NaN : Number(v));
  const low = num(row.ci_low);
  const high = row.ci_high === '' && Number.isFinite(low) ? Number.POSITIVE_INFINITY : num(row.ci_high);
  return {
    claim: row.claim ?? '',
    cell: row.cell ?? '',
    metric: row.metric ?? '',
    kind: (row.kind ?? 'value') as ClaimResult['kind'],
    bound: row.bound ?? '',
    verdict: (row.verdict ?? 'inconclusive') as ClaimResult['verdict'],
    estimate: num(row.estimate),
    ci: { low, high },
    n: num(row.n),
    note: row.note ?? '',
  };
}

/**
 * The claims the report opens with: the manifest config's claims checked as `run` checks them (so the
 * rows are claims.csv's), else the rows of a claims.csv the set carries; undefined when there are none.
 */
function reportClaims(rs: ResultSet): ReportClaims | undefined {
  const claims = ((rs.manifest?.config as ExperimentConfig | undefined)?.claims ?? []) as ClaimConfig[];
  if (claims.length > 0) {
    try {
      return { results: claimsOf(rs, claims, path.join(rs.dir, 'manifest.json')) };
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      return { results: [], problem: e.message };
    }
  }
  const file = path.join(rs.dir, CLAIMS_CSV);
  return existsSync(file) ? { results: readCsv(file).map(claimFromCsv) } : undefined;
}

/**
 * Write report.html (self-contained), report.md and, per figure, figures/<name>.svg, .png and .vl.json
 * (the Vega-Lite spec with its data) into `opts.out` (default: the results folder).
 */
export async function writeReport(results: string, opts: ReportOptions = {}): Promise<{ html: string; md: string; figures: string[] }> {
  const data = readReportData(results);
  const dir = opts.out ?? (path.extname(results) === '.csv' ? path.dirname(results) : results);
  const figDir = path.join(dir, FIGURES_DIR);
  mkdirSync(figDir, { recursive: true });
  const report = buildReport(data);
  const svgs = new Map<string, string>();
  const written: string[] = [];
  for (const figure of report.sections.flatMap((s) => s.figures)) {
    const svg = await specToSvg(figure.spec);
    svgs.set(figure.name, svg);
    const base = path.join(figDir, figure.name);
    onPath(`${base}.svg`, () => writeFileSync(`${base}.svg`, svg));
    onPath(`${base}.png`, () => writeFileSync(`${base}.png`, svgToPng(svg)));
    onPath(`${base}.vl.json`, () => writeFileSync(`${base}.vl.json`, `${JSON.stringify(figure.spec, null, 1)}\n`));
    written.push(`${base}.svg`);
  }
  const html = path.join(dir, REPORT_HTML);
  writeFileAtomic(html, reportHtml(report, (name) => inlineSvg(svgs.get(name) ?? '')));
  const md = path.join(dir, REPORT_MD);
  writeFileAtomic(md, reportMarkdown(report, (name) => `${FIGURES_DIR}/${name}.svg`));
  return { html, md, figures: written };
}

/** `bn-exp report <results> [--out dir]`: write the report and say where it is. */
export async function reportCommand(results: string, opts: ReportOptions): Promise<void> {
  const release = lockFolder(opts.out ?? resultsDirOf(results), { create: opts.out !== undefined });
  let written: Awaited<ReturnType<typeof writeReport>>;
  try {
    written = await writeReport(results, opts);
  } finally {
    release();
  }
  const { html, md, figures } = written;
  console.log(`wrote ${html}, ${md} and ${figures.length} figures in ${path.dirname(figures[0] ?? path.join(path.dirname(html), FIGURES_DIR))}`);
}

/** The report at the end of `bn-exp run`: the results are already safe, so a failure here is only a warning. */
export async function reportAfterRun(outDir: string): Promise<void> {
  try {
    const { html } = await writeReport(outDir);
    console.log(`report: ${html}`);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    console.error(`warning: the report could not be written (${why}); the results are complete, retry with: bn-exp report ${outDir}`);
  }
}
