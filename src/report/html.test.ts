import { describe, expect, it } from 'vitest';
import { escapeHtml, reportHtml } from './html.js';
import { reportMarkdown } from './markdown.js';
import type { Report } from './section.js';

const REPORT: Report = {
  name: 'x <y>',
  question: 'Is a < b & c?',
  description: '',
  overview: '2 runs.',
  sections: [
    {
      id: 'final',
      title: 'Final metrics',
      answer: 'BN "won" <by> 1 pp.',
      figures: [{ name: 'final-a', caption: 'cap', spec: { mark: 'point' } }],
      table: { header: ['a|b'], rows: [['1']] },
      notes: ['a note'],
    },
  ],
};

describe('report documents', () => {
  it('escapes text and inlines each figure once', () => {
    const html = reportHtml(REPORT, (name) => `<svg id="${name}"></svg>`);
    expect(escapeHtml('<a href="x">&</a>')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;');
    expect(html).toContain('<h1>x &lt;y&gt;</h1>');
    expect(html).toContain('<p class="answer">BN &quot;won&quot; &lt;by&gt; 1 pp.</p>');
    expect(html.match(/<svg id="final-a">/g)).toHaveLength(1);
    expect(html).toContain('<a href="#final">Final metrics</a>');
  });

  it('links figures as files in Markdown and escapes table pipes', () => {
    const md = reportMarkdown(REPORT, (name) => `figures/${name}.svg`);
    expect(md).toContain('## Final metrics\n\nBN "won" <by> 1 pp.\n');
    expect(md).toContain('![final-a](figures/final-a.svg)');
    expect(md).toContain('| a\\|b |');
  });
});
