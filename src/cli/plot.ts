import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { didYouMean } from '../config/suggest.js';
import { UsageError } from '../errors.js';
import { plotSpec, plottableColumns } from '../report/plot-spec.js';
import { specToSvg, svgToPng } from '../report/render.js';
import { fileStem } from '../report/labels.js';
import { FIGURES_DIR, readReportData } from './report.js';

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
  mkdirSync(path.dirname(out), { recursive: true });
  const svg = await specToSvg(plot.spec);
  writeFileSync(out, ext === '.png' ? svgToPng(svg) : svg);
  console.log(`wrote ${out} (${opts.metric} from ${plot.source})`);
}
