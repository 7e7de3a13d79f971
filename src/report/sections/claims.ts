import type { ClaimResult } from '../../analysis/claims.js';
import { plural, sig } from '../format.js';
import type { Section } from '../section.js';

// The report's first section: the config's claims with their verdicts, one table row per claim and cell,
// exactly as claims.csv has them (the same evaluateClaims). Numbers stay in the metric's own units, the
// units the claim's bound is written in.

/** What the report knows of the claims: the verdicts, or why they could not be checked. */
export interface ReportClaims {
  results: ClaimResult[];
  /** Set when the config's claims do not fit this result set (unknown metric, axis or level). */
  problem?: string;
}

/** `[0.79, 0.834]`: '-' for a missing end, 'inf' for an open one. */
function interval(r: ClaimResult): string {
  return `[${sig(r.ci.low)}, ${sig(r.ci.high)}]`;
}

/** The Claims section, or undefined when the result set states no claims. */
export function claimsSection(claims: ReportClaims | undefined): Section | undefined {
  if (claims === undefined || (claims.results.length === 0 && claims.problem === undefined)) return undefined;
  const base = { id: 'claims', title: 'Claims', figures: [] };
  if (claims.problem !== undefined) {
    return { ...base, answer: 'The claims of this experiment could not be checked on these results.', notes: [claims.problem, 'Fix the claims and re-check with bn-exp claims <results> --config <file>.'] };
  }
  const rs = claims.results;
  const count = (v: string): number => rs.filter((r) => r.verdict === v).length;
  const answer =
    `${count('holds')} of ${plural(rs.length, 'claim cell')} ${count('holds') === 1 ? 'holds' : 'hold'}, ` +
    `${count('contradicted')} contradicted, ${count('inconclusive')} inconclusive (95% intervals; a claim holds when its whole interval is on the claimed side).`;
  return {
    ...base,
    answer,
    table: {
      header: ['claim', 'cell', 'claimed', 'verdict', 'estimate', '95% CI', 'n', 'note'],
      rows: rs.map((r) => [r.claim, r.cell, `${r.kind} of ${r.metric} ${r.bound}`, r.verdict, sig(r.estimate), interval(r), String(r.n), r.note]),
    },
    notes: [],
  };
}
