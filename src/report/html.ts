import { READING_GUIDE } from './reading-guide.js';
import type { Report, Table } from './section.js';

// report.html: one self-contained file (inline CSS and SVG, no scripts, no external references), so it
// opens offline, attached to an email or from a CI artifact.

/** Text escaped for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const CSS = `
body { font-family: 'Liberation Sans', Arial, Helvetica, 'DejaVu Sans', sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }
h1 { margin-bottom: 0.2em; } h2 { border-bottom: 1px solid #ddd; padding-bottom: 0.2em; margin-top: 2em; }
p.answer { font-size: 1.1em; background: #f3f6fa; border-left: 4px solid #4c78a8; padding: 0.6em 0.8em; }
figure { margin: 1em 0; overflow-x: auto; } figcaption { font-size: 0.9em; color: #555; max-width: 900px; }
table { border-collapse: collapse; font-size: 0.85em; margin: 1em 0; } th, td { border: 1px solid #ddd; padding: 0.25em 0.5em; text-align: left; }
th { background: #f6f6f6; } .note { color: #555; font-style: italic; } details { margin: 1em 0; color: #444; }
`;

function htmlTable(t: Table): string {
  const head = `<tr>${t.header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`;
  const body = t.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table>\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/** The report as one HTML document; `svgOf(name)` gives each figure's inline SVG markup. */
export function reportHtml(report: Report, svgOf: (name: string) => string): string {
  const parts: string[] = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(`bn-exp report: ${report.name}`)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    `<h1>${escapeHtml(report.name)}</h1>`,
  ];
  if (report.question) parts.push(`<p><strong>Question:</strong> ${escapeHtml(report.question)}</p>`);
  if (report.description) parts.push(`<p>${escapeHtml(report.description)}</p>`);
  parts.push(`<p>${escapeHtml(report.overview)}</p>`);
  parts.push('<nav><ul>', ...report.sections.map((s) => `<li><a href="#${s.id}">${escapeHtml(s.title)}</a></li>`), '</ul></nav>');
  parts.push('<details><summary>How to read this report</summary>', ...READING_GUIDE.map((p) => `<p>${escapeHtml(p)}</p>`), '</details>');
  for (const s of report.sections) {
    parts.push(`<section id="${s.id}">`, `<h2>${escapeHtml(s.title)}</h2>`, `<p class="answer">${escapeHtml(s.answer)}</p>`);
    for (const f of s.figures) {
      parts.push(`<figure id="fig-${escapeHtml(f.name)}">`, svgOf(f.name), `<figcaption>${escapeHtml(f.caption)}</figcaption>`, '</figure>');
    }
    if (s.table && s.table.rows.length > 0) parts.push(htmlTable(s.table));
    for (const n of s.notes) parts.push(`<p class="note">${escapeHtml(n)}</p>`);
    parts.push('</section>');
  }
  parts.push('</body>', '</html>');
  return `${parts.join('\n')}\n`;
}
