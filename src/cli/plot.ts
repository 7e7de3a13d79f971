import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { didYouMean } from '../util/suggest.js';
import { onPath, UsageError } from '../errors.js';
import { plotSpec, plottableColumns } from '../report/plot-spec.js';
import { specToSvg, svgToPng } from '../report/render.js';
import { fileStem } from '../report/labels.js';
import { FIGURES_DIR, readReportData } from './report.js';
import { lockFolder } from '../record/lock.js';
import { isResultFolder } from '../record/results.js';

/** Options of `bn-exp plot`. */
export interface PlotOptions {
  metric: string;
  by?: string;
  out?: string;
}

/**
 * The column a mistyped --metric most likely meant: a close typo, else the longest column the name
 * starts with or that starts with it (`test_accuracy` -> `test_acc`), else none.
 */
export function nearestColumn(metric: string, columns: readonly string[]): string | undefined {
  const typo = didYouMean(metric, columns);
  if (typo !== undefined) return typo;
  const m = metric.toLowerCase();
  const related = columns.filter((c) => c.length >= 3 && (m.startsWith(c.toLowerCase()) || c.toLowerCase().startsWith(m)));
  return related.sort((a, b) => b.length - a.length || a.localeCompare(b))[0];
}

/** `bn-exp plot <results> --metric <col> [--by <axis>] [--out file.svg|.png]`: one chart, written as SVG or PNG. */
export async function plotCommand(results: string, opts: PlotOptions): Promise<void> {
  const data = readReportData(results);
  if (opts.by !== undefined && !data.axes.includes(opts.by)) {
    const hint = didYouMean(opts.by, data.axes);
    throw new UsageError(`--by ${opts.by}: not a swept axis of ${results}${hint ? `; did you mean "${hint}"?` : ` (swept: ${data.axes.join(', ') || 'none'})`}`);
  }
  const plot = plotSpec(data, opts.metric, opts.by);
  if (!plot) {
    const tables = plottableColumns(data).filter(([, cols]) => cols.length > 0);
    const hint = nearestColumn(opts.metric, tables.flatMap(([, cols]) => cols));
    const list = tables.map(([file, cols]) => `${file}: ${cols.join(', ')}`).join('\n  ');
    throw new UsageError(`--metric ${opts.metric}: no such numeric column${hint ? `; did you mean "${hint}"?` : ''}\ncolumns with values:\n  ${list}`);
  }
  const out = opts.out ?? path.join(results, FIGURES_DIR, `plot-${fileStem(opts.metric)}.svg`);
  const ext = path.extname(out).toLowerCase();
  if (ext !== '.svg' && ext !== '.png') throw new UsageError(`--out ${out}: the file must end in .svg or .png`);
  const svg = await specToSvg(plot.spec);
  // The figure goes into a results folder (figures/ by default): hold that folder's lock while writing.
  const home = opts.out === undefined ? results : path.dirname(out);
  const release = isResultFolder(home) ? lockFolder(home, { create: false }) : () => undefined;
  try {
    mkdirSync(path.dirname(out), { recursive: true });
    onPath(out, () => writeFileSync(out, ext === '.png' ? svgToPng(svg) : svg));
  } finally {
    release();
  }
  console.log(`wrote ${out} (${opts.metric} from ${plot.source})`);
}
