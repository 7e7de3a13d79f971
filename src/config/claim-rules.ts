import type { ConfigIssue } from '../errors.js';
import type { ClaimConfig } from './schema.js';
import { canonicalJson } from '../util/canonical-json.js';
import { keyHint } from '../util/suggest.js';

// Checks of a config's `claims:` against the swept axes and their levels: from the config's sweep when
// a config is validated, from runs.csv when claims are evaluated on a result set. Pure.

/**
 * A claim level, sweep value or runs.csv cell as a comparable key: numbers and booleans as runs.csv
 * writes them; a whole swept section (`model: {depth: 4, ...}`, written to runs.csv as JSON) as canonical
 * JSON, so key order does not matter.
 */
export function levelText(value: unknown): string {
  if (typeof value === 'string') {
    if (!/^[[{]/.test(value)) return value;
    try {
      return canonicalJson(JSON.parse(value));
    } catch {
      return value;
    }
  }
  return typeof value === 'object' && value !== null ? canonicalJson(value) : String(value);
}

/** The levels of each swept axis, as runs.csv writes them. */
export type AxisLevels = ReadonlyMap<string, readonly string[]>;

function levelIssue(path: string, axis: string, level: unknown, levels: readonly string[]): ConfigIssue[] {
  const text = levelText(level);
  if (levels.includes(text)) return [];
  return [{ path, message: `unknown level "${text}" of ${axis}${keyHint(text, levels)}` }];
}

/**
 * Problems of `claims` against the swept axes and levels: unknown axes and levels (with a did-you-mean),
 * the compared axis repeated in `where`, duplicate claim names. Paths are `claims.<i>.<field>`.
 */
export function claimIssues(claims: readonly ClaimConfig[], axes: AxisLevels): ConfigIssue[] {
  const names = axes.size === 0 ? [] : [...axes.keys()];
  const axisIssue = (path: string, axis: string): ConfigIssue[] =>
    axes.has(axis) ? [] : [{ path, message: `"${axis}" is not a swept axis${names.length === 0 ? ' (nothing is swept)' : keyHint(axis, names)}` }];
  return claims.flatMap((c, i) => {
    const at = `claims.${i}`;
    const issues: ConfigIssue[] = [];
    if (claims.findIndex((o) => o.name === c.name) < i) issues.push({ path: `${at}.name`, message: `claim name "${c.name}" is used more than once` });
    for (const [axis, pair] of Object.entries(c.compare ?? {})) {
      const bad = axisIssue(`${at}.compare`, axis);
      issues.push(...bad);
      if (bad.length === 0) pair.forEach((level, j) => issues.push(...levelIssue(`${at}.compare.${axis}.${j}`, axis, level, axes.get(axis)!)));
      if (bad.length === 0 && levelText(pair[0]) === levelText(pair[1])) issues.push({ path: `${at}.compare.${axis}`, message: 'A and B are the same level' });
    }
    for (const [axis, value] of Object.entries(c.where ?? {})) {
      const bad = axisIssue(`${at}.where`, axis);
      issues.push(...bad);
      if (c.compare?.[axis] !== undefined) issues.push({ path: `${at}.where.${axis}`, message: `${axis} is the compared axis; it cannot also restrict the cells` });
      if (bad.length > 0) continue;
      const values = Array.isArray(value) ? value : [value];
      values.forEach((v, j) => issues.push(...levelIssue(Array.isArray(value) ? `${at}.where.${axis}.${j}` : `${at}.where.${axis}`, axis, v, axes.get(axis)!)));
    }
    return issues;
  });
}
