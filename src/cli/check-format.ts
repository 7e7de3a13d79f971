import { cellLabel } from '../analysis/cells.js';
import type { CheckReport, Finding } from '../analysis/regression.js';

/** Output formats of `bn-exp check`. */
export const CHECK_FORMATS = ['text', 'md', 'json', 'junit'] as const;
export type CheckFormat = (typeof CHECK_FORMATS)[number];

/** What a check was run on, for the machine-readable formats. */
export interface CheckHead {
  results: string;
  baseline: string;
  /** The band rule in words. */
  rule: string;
}

const counts = (report: CheckReport) => {
  const by = (o: Finding['outcome']) => report.findings.filter((f) => f.outcome === o);
  return { regressed: by('regressed'), improved: by('improved'), ok: by('ok') };
};

/** A Markdown summary for a pull-request comment or a CI job summary: verdict, notes, one table row per finding that is not plainly ok. */
export function checkMarkdown(report: CheckReport, head: CheckHead): string {
  const { regressed, improved } = counts(report);
  const cells = new Set(report.findings.map((f) => cellLabel(f.cell))).size;
  const verdict = regressed.length === 0 ? '**pass**' : `**${regressed.length} regressed**`;
  const lines = [
    `### bn-exp check: ${regressed.length === 0 ? 'pass' : 'regression'}`,
    '',
    `\`${head.results}\` against the baseline \`${head.baseline}\`: ${report.findings.length - regressed.length - improved.length} of ${report.findings.length} checks in ${cells} cells within the bands, ${verdict}.`,
    '',
    `Band: ${head.rule}.`,
  ];
  if (report.notes.length > 0) lines.push('', ...report.notes.map((n) => `- note: ${escapeMd(n)}`));
  const shown = report.findings.filter((f) => f.outcome !== 'ok' || f.worse.length > 0);
  if (shown.length > 0) {
    lines.push('', '| outcome | cell | metric | what |', '| --- | --- | --- | --- |');
    const label = { regressed: '❌ regressed', improved: '✅ improved', ok: '⚠️ outside (within tolerance)' } as const;
    for (const f of [...shown].sort((a, b) => order(a) - order(b))) {
      lines.push(`| ${label[f.outcome]} | ${escapeMd(cellLabel(f.cell))} | ${escapeMd(f.metric)} | ${escapeMd(f.text.replace(`${f.metric}: `, ''))} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}

const order = (f: Finding): number => ({ regressed: 0, improved: 1, ok: 2 })[f.outcome];
const escapeMd = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** One JSON document: the verdict, the counts, the notes and every finding with its points. */
export function checkJson(report: CheckReport, head: CheckHead): string {
  const { regressed, improved, ok } = counts(report);
  const doc = {
    pass: regressed.length === 0,
    results: head.results,
    baseline: head.baseline,
    policy: report.policy,
    counts: { checks: report.findings.length, regressed: regressed.length, improved: improved.length, ok: ok.length },
    notes: report.notes,
    findings: report.findings.map((f) => ({ label: cellLabel(f.cell), ...f })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** JUnit XML (one test case per cell and metric, a failure per regression) for CI test panels. */
export function checkJunit(report: CheckReport, head: CheckHead): string {
  const { regressed } = counts(report);
  const cases = report.findings.map((f) => {
    const name = `${cellLabel(f.cell)}: ${f.metric}`;
    const open = `    <testcase classname="bn-exp.check" name="${xml(name)}">`;
    if (f.outcome === 'regressed') return `${open}\n      <failure message="${xml(f.text)}" type="regression">${xml(f.text)}</failure>\n    </testcase>`;
    if (f.outcome === 'improved' || f.worse.length > 0) return `${open}\n      <system-out>${xml(`${f.outcome === 'improved' ? 'improved' : 'outside'}: ${f.text}`)}</system-out>\n    </testcase>`;
    return `${open}</testcase>`;
  });
  const props = report.notes.map((n) => `      <property name="note" value="${xml(n)}"/>`);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="bn-exp check" tests="${report.findings.length}" failures="${regressed.length}">`,
    `  <testsuite name="${xml(`${head.results} vs ${head.baseline}`)}" tests="${report.findings.length}" failures="${regressed.length}" errors="0" skipped="0">`,
    ...(props.length > 0 ? ['    <properties>', ...props.map((p) => `  ${p}`), '    </properties>'] : []),
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
