import { READING_GUIDE } from './reading-guide.js';
import type { Report, Table } from './section.js';

/** Text from the config (name, question, values) with HTML markup shown as text: `<script>` must not run in a viewer. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A Markdown table (pipes in cells escaped, HTML shown as text). */
function mdTable(t: Table): string {
  const line = (cells: readonly string[]): string => `| ${cells.map((c) => escapeHtml(c).replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(t.header), line(t.header.map(() => '---')), ...t.rows.map(line)].join('\n');
}

/** report.md: the same sections as the HTML, figures linked as files (`figurePath(name)`). */
export function reportMarkdown(report: Report, figurePath: (name: string) => string): string {
  const out: string[] = [`# ${escapeHtml(report.name)}`, ''];
  if (report.question) out.push(`**Question:** ${escapeHtml(report.question)}`, '');
  if (report.description) out.push(escapeHtml(report.description), '');
  out.push(report.overview, '');
  for (const s of report.sections) out.push(`- [${s.title}](#${s.id})`);
  out.push('', '<details><summary>How to read this report</summary>', '', ...READING_GUIDE.flatMap((p) => [p, '']), '</details>', '');
  for (const s of report.sections) {
    out.push(`<a id="${s.id}"></a>`, '', `## ${s.title}`, '', s.answer, '');
    for (const f of s.figures) out.push(`![${f.name}](${figurePath(f.name)})`, '', `*${f.caption}*`, '');
    if (s.table && s.table.rows.length > 0) out.push(mdTable(s.table), '');
    for (const n of s.notes) out.push(`> ${n}`, '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
