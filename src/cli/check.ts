import chalk from 'chalk';
import { cellLabel } from '../analysis/cells.js';
import { configChanges } from '../analysis/config-diff.js';
import { type CheckPolicy, type CheckReport, checkAgainstBaseline } from '../analysis/regression.js';
import { CheckFailed, UsageError } from '../errors.js';
import { readResultSet } from '../record/result-set.js';
import { alignFixedAxes } from './check-align.js';
import { CHECK_FORMATS, type CheckFormat, checkJson, checkJunit, checkMarkdown } from './check-format.js';

/** Flags of `bn-exp check`, as commander gives them (strings). */
export interface CheckOptions {
  baseline: string;
  k: string;
  atol: string;
  rtol: string;
  fraction: string;
  /** text (default), md, json or junit. */
  format?: string;
}

function parsePolicy(opts: CheckOptions): CheckPolicy {
  const read = (flag: string, text: string, ok: (x: number) => boolean, expected: string): number => {
    const x = Number(text);
    if (text.trim() === '' || !ok(x)) throw new UsageError(`--${flag} must be ${expected}, got "${text}"`);
    return x;
  };
  return {
    k: read('k', opts.k, (x) => x >= 0, 'a number >= 0'),
    atol: read('atol', opts.atol, (x) => x >= 0, 'a number >= 0'),
    rtol: read('rtol', opts.rtol, (x) => x >= 0, 'a number >= 0'),
    fraction: read('fraction', opts.fraction, (x) => x >= 0 && x < 1, 'in [0, 1)'),
  };
}

/** The report as printed: regressions and improvements one per line, then a count of what passed. */
export function formatReport(report: CheckReport, head: string): string {
  const lines = [head];
  for (const note of report.notes) lines.push(chalk.dim(`note: ${note}`));
  const regressed = report.findings.filter((f) => f.outcome === 'regressed');
  const improved = report.findings.filter((f) => f.outcome === 'improved');
  const blips = report.findings.filter((f) => f.outcome === 'ok' && f.worse.length > 0);
  for (const f of regressed) lines.push(`${chalk.red.bold('REGRESSED')} ${cellLabel(f.cell)}: ${f.text}`);
  for (const f of improved) lines.push(`${chalk.green('improved')}  ${cellLabel(f.cell)}: ${f.text}`);
  for (const f of blips) lines.push(`${chalk.yellow('outside')}   ${cellLabel(f.cell)}: ${f.text}`);
  const ok = report.findings.length - regressed.length - improved.length;
  const cells = new Set(report.findings.map((f) => cellLabel(f.cell))).size;
  lines.push(
    `${ok} of ${report.findings.length} checks in ${cells} cells within the baseline bands` +
      (regressed.length === 0 ? `: ${chalk.green('pass')}` : `, ${chalk.red(`${regressed.length} regressed`)}`),
  );
  return `${lines.join('\n')}\n`;
}

/** `bn-exp check <results> --baseline <dir>`: exit 0 pass, 1 regression (CheckFailed), 2 unusable input. */
export function checkCommand(results: string, opts: CheckOptions): void {
  const policy = parsePolicy(opts);
  const format = (opts.format ?? 'text') as CheckFormat;
  if (!CHECK_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${CHECK_FORMATS.join(', ')}, got "${opts.format}"`);
  const candidate = readResultSet(results);
  const aligned = alignFixedAxes(readResultSet(opts.baseline), candidate, candidate.manifest?.config);
  const baseline = aligned.baseline;
  const report = checkAgainstBaseline(baseline, candidate, policy);
  report.notes.unshift(...aligned.notes);
  if (report.unusable.length > 0) {
    throw new UsageError(`cannot check ${results} against the baseline ${opts.baseline}:\n${report.unusable.map((u) => `  - ${u}`).join('\n')}`);
  }
  const changes = configChanges(baseline.manifest?.config, candidate.manifest?.config);
  if (changes.length > 0) report.notes.unshift(`config differs from the baseline's: ${changes.join('; ')}`);
  const rule = `mean ± max(${policy.k}·std, ${policy.atol}, ${policy.rtol}·|mean|); fail above ${policy.fraction * 100}% of evaluations`;
  const head = { results, baseline: opts.baseline, rule };
  const write = { md: checkMarkdown, json: checkJson, junit: checkJunit } as const;
  process.stdout.write(format === 'text' ? formatReport(report, `check ${results} against ${opts.baseline} (band: ${rule})`) : write[format](report, head));
  const regressed = report.findings.filter((f) => f.outcome === 'regressed');
  if (regressed.length > 0) {
    const cells = new Set(regressed.map((f) => cellLabel(f.cell))).size;
    throw new CheckFailed(`check failed: ${regressed.length} regressions in ${cells} cells against ${opts.baseline}`);
  }
}
