import { describe, expect, it } from 'vitest';
import { neutralizeFormula, parseCsv, toCsv } from './csv.js';
import { escapeHtml, reportMarkdown } from '../report/markdown.js';

describe('spreadsheet formula injection (OWASP CSV injection)', () => {
  it('prefixes text cells a spreadsheet would run as a formula with a quote', () => {
    for (const bad of ['=1+1', '+cmd', '-2+3', '@SUM(A1)', '\tx', '=HYPERLINK("http://x")']) expect(neutralizeFormula(bad)).toBe(`'${bad}`);
  });

  it('leaves numbers, negative ones included, and plain text alone', () => {
    for (const ok of ['-0.5', '+1e3', '-1.5e-7', '-Infinity', 'NaN', '0.25', 'relu', 'a=b', '']) expect(neutralizeFormula(ok)).toBe(ok);
  });

  it('applies to every text cell toCsv writes, not to numbers', () => {
    const text = toCsv([{ run_id: 'r1', act: '=cmd|calc', x: -0.5, y: '-0.25' }], ['run_id', 'act', 'x', 'y'], { header: true });
    expect(parseCsv(text)).toEqual([{ run_id: 'r1', act: "'=cmd|calc", x: '-0.5', y: '-0.25' }]);
  });
});

describe('report.md escaping', () => {
  it('shows HTML from the config as text', () => {
    expect(escapeHtml('<script>alert(1)</script> & co')).toBe('&lt;script&gt;alert(1)&lt;/script&gt; &amp; co');
    const md = reportMarkdown({ name: 'x', question: 'Is <script>alert(1)</script> safe?', description: '<img src=x onerror=alert(1)>', overview: '', sections: [] }, (n) => n);
    expect(md).not.toMatch(/<script|<img/);
    expect(md).toContain('**Question:** Is &lt;script&gt;alert(1)&lt;/script&gt; safe?');
  });
});
