// Plain-text tables and number formats for terminal and Markdown output (pure string out).

/** Visible width of a string, ignoring chalk's ANSI colour codes. */
export function visibleWidth(s: string): number {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\x1b\[[0-9;]*m/g, '').length;
}

/** Rows of cells padded into aligned columns separated by two spaces (colour codes do not count). */
export function alignColumns(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, visibleWidth(c))));
  return rows.map((row) => row.map((c, i) => c + ' '.repeat((widths[i] ?? 0) - visibleWidth(c))).join('  ').trimEnd());
}

/** A Markdown table (pipes in cells escaped). */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** A number with 4 significant digits, trailing zeros dropped; '-' for NaN. */
export function fmt(x: number): string {
  if (Number.isNaN(x)) return '-';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x !== 0 && Math.abs(x) < 1e-3) return x.toExponential(1);
  return String(Number(x.toPrecision(4)));
}

/** A p-value: 2 significant digits, '<1e-4' below that; '-' when there is no test. */
export function fmtP(p: number): string {
  if (Number.isNaN(p)) return '-';
  if (p < 1e-4) return '<1e-4';
  return String(Number(p.toPrecision(2)));
}

/** A signed difference: '+0.012', '-3.5'. */
export function fmtSigned(x: number): string {
  const s = fmt(x);
  return x > 0 ? `+${s}` : s;
}
