import chalk from 'chalk';
import { type ClaimResult, evaluateClaims } from '../analysis/claims.js';
import { claimIssues, levelText } from '../config/claim-rules.js';
import { readExperiment } from '../config/load.js';
import { targetList } from '../config/resolve.js';
import type { ClaimConfig, ExperimentConfig } from '../config/schema.js';
import { keyHint } from '../util/suggest.js';
import { CheckFailed, ConfigError, type ConfigIssue, UsageError } from '../errors.js';
import { writeClaimsCsv } from '../record/claims-file.js';
import { columnInfo, finalColumn, isNumericKind, isStepsToColumn, targetColumn } from '../record/columns.js';
import { readResultSet, type ResultSet } from '../record/result-set.js';
import { alignColumns, fmt } from './table.js';

// `bn-exp claims` and claims.csv: a config's claims checked on a result set (analysis/claims.ts).

/** A column a claim can be about: a registered numeric column that is not an identifier or a wall time. */
function isClaimable(column: string): boolean {
  const info = columnInfo(column);
  return info !== undefined && isNumericKind(info.kind) && info.kind !== 'seconds' && info.stat === undefined;
}

/** Metric problems of claims against the metric columns available (`claims.<i>.metric`, with a did-you-mean). */
function metricIssues(claims: readonly ClaimConfig[], available: readonly string[], where: string): ConfigIssue[] {
  return claims.flatMap((c, i) =>
    available.includes(c.metric) ? [] : [{ path: `claims.${i}.metric`, message: `unknown metric "${c.metric}" ${where}${keyHint(c.metric, available)}` }],
  );
}

/**
 * Before a run: every claim's metric must be a per-run metric this config writes to runs.csv (final
 * accuracies and losses, the generalization gap, the time-averaged loss, its targets' steps). A
 * ConfigError (exit 2) names the file, the claim and the closest column.
 */
export function checkClaimMetrics(config: ExperimentConfig, file: string): void {
  const claims = config.claims ?? [];
  if (claims.length === 0) return;
  const targets = targetList(config.train.target);
  const known = [
    ...['train', 'test'].flatMap((split) => [finalColumn(split, 'acc'), finalColumn(split, 'loss')]),
    'generalization_gap',
    'auc_train_loss',
    ...targets.map(targetColumn),
  ];
  // Other registered numeric columns (shift splits, @mode columns, probe summaries) depend on what the run
  // writes, and a swept target mints its own columns: those are checked on runs.csv after the run.
  const targetSwept = Object.keys(config.sweep).some((axis) => axis === 'train' || axis.startsWith('train.target'));
  const issues: ConfigIssue[] = claims.flatMap((c, i) => {
    const later = isClaimable(c.metric) && (!isStepsToColumn(c.metric) || targetSwept);
    if (later || known.includes(c.metric)) return [];
    return [{ path: `claims.${i}.metric`, message: `unknown metric "${c.metric}" in runs.csv${keyHint(c.metric, known)}` }];
  });
  if (issues.length > 0) throw new ConfigError(file, issues);
}

/**
 * Check `claims` on a result set: axes, levels and metrics must exist there (else a ConfigError naming
 * `source`, exit 2); returns every claim's verdict per cell.
 */
export function claimsOf(set: ResultSet, claims: readonly ClaimConfig[], source: string): ClaimResult[] {
  const levels = new Map(set.axes.map((a) => [a, [...new Set(set.runs.map((r) => levelText(r[a] ?? '')))]]));
  const issues = [...claimIssues(claims, levels), ...metricIssues(claims, set.runsColumns.filter(isClaimable), `in ${set.dir}/runs.csv`)];
  if (issues.length > 0) throw new ConfigError(source, issues);
  return evaluateClaims(set, claims);
}

/** claims.csv rows (NaN and infinite ends written as ''). */
export function claimRows(results: readonly ClaimResult[]) {
  const out = (x: number): number | string => (Number.isFinite(x) ? x : '');
  return results.map((r) => ({
    claim: r.claim,
    cell: r.cell,
    metric: r.metric,
    kind: r.kind,
    bound: r.bound,
    verdict: r.verdict,
    estimate: out(r.estimate),
    ci_low: out(r.ci.low),
    ci_high: out(r.ci.high),
    n: r.n,
    note: r.note,
  }));
}

/**
 * After a run: write claims.csv when the config (in the manifest) holds claims; returns the verdicts. A
 * claim about a column the run did not write is reported on stderr with exit code 2, and the run goes on
 * (its results are saved; fix the claim and re-check with `bn-exp claims --config`).
 */
export function writeClaims(dir: string): ClaimResult[] {
  const set = readResultSet(dir);
  const claims = ((set.manifest?.config as ExperimentConfig | undefined)?.claims ?? []) as ClaimConfig[];
  if (claims.length === 0) return [];
  try {
    const results = claimsOf(set, claims, `${dir}/manifest.json`);
    writeClaimsCsv(dir, claimRows(results));
    return results;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`claims not checked:\n${e.message}\n`);
    process.exitCode = 2;
    return [];
  }
}

/** The verdicts as a table, then one line counting them. */
export function formatClaims(results: readonly ClaimResult[]): string {
  const colour = (v: string): string => (v === 'holds' ? chalk.green(v) : v === 'contradicted' ? chalk.red.bold(v) : chalk.yellow(v));
  const rows = results.map((r) => [
    r.claim,
    r.cell,
    `${r.kind} of ${r.metric} ${r.bound}`,
    colour(r.verdict),
    `${fmt(r.estimate)} [${fmt(r.ci.low)}, ${fmt(r.ci.high)}]`,
    String(r.n),
    r.note,
  ]);
  const head = ['claim', 'cell', 'claimed', 'verdict', 'estimate [95% CI]', 'n', 'note'].map((h) => chalk.bold(h));
  const count = (v: string): number => results.filter((r) => r.verdict === v).length;
  const tally = `${count('holds')} hold, ${count('contradicted')} contradicted, ${count('inconclusive')} inconclusive (of ${results.length} claim cells)`;
  return `${[...alignColumns([head, ...rows]), '', tally].join('\n')}\n`;
}

/** Flags of `bn-exp claims`. */
export interface ClaimsOptions {
  config?: string;
  allowInconclusive: boolean;
}

/** `bn-exp claims <results>`: exit 0 when every claim holds, 1 (CheckFailed) when any is contradicted or inconclusive. */
export async function claimsCommand(results: string, opts: ClaimsOptions): Promise<void> {
  const set = readResultSet(results);
  let claims: ClaimConfig[];
  let source: string;
  if (opts.config !== undefined) {
    claims = (await readExperiment(opts.config)).claims ?? [];
    source = opts.config;
  } else {
    claims = ((set.manifest?.config as ExperimentConfig | undefined)?.claims ?? []) as ClaimConfig[];
    source = `${results}/manifest.json`;
  }
  if (claims.length === 0) throw new UsageError(`${source}: no claims to check (add a claims: list to the experiment config; see docs/claims.md)`);
  const verdicts = claimsOf(set, claims, source);
  process.stdout.write(formatClaims(verdicts));
  const contradicted = verdicts.filter((r) => r.verdict === 'contradicted').length;
  const inconclusive = verdicts.filter((r) => r.verdict === 'inconclusive').length;
  if (contradicted > 0 || (inconclusive > 0 && !opts.allowInconclusive)) {
    const parts = [contradicted > 0 ? `${contradicted} contradicted` : '', inconclusive > 0 && !opts.allowInconclusive ? `${inconclusive} inconclusive` : ''].filter(Boolean);
    throw new CheckFailed(`claims failed: ${parts.join(', ')} (of ${verdicts.length} claim cells)${inconclusive > 0 && !opts.allowInconclusive ? '; --allow-inconclusive lets inconclusive pass' : ''}`);
  }
}
