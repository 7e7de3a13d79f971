import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../src/record/csv.js';
import { bnExp, bnExpIn, experiment, type Result } from './helpers.js';

// Claims end to end with the built CLI (npm test builds dist/ first): a shortened quick experiment
// (3 seeds, so claims can be tested; 200 steps) is run (spawned), its claims.csv read, and `bn-exp claims`
// re-evaluates it (in process): exit 0 when every claim holds, 1 when any is contradicted or inconclusive
// (unless --allow-inconclusive), 2 on bad input (an unknown axis or level, named with a did-you-mean).
const quick = experiment('quick.yaml');

const tmp = mkdtempSync(path.join(os.tmpdir(), 'bn-exp-claims-'));
const out = path.join(tmp, 'quick');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** quick.yaml with its claims replaced by `claims` (YAML text). */
function withClaims(name: string, claims: string): string {
  const text = readFileSync(quick, 'utf8').replace(/\nclaims:\n[\s\S]*$/, `\nclaims:\n${claims}`);
  const file = path.join(tmp, `${name}.yaml`);
  writeFileSync(file, text);
  return file;
}

const SHORT = ['--set', 'seeds=3', '--set', 'train.steps=200', '--set', 'data.trainSize=1000', '--set', 'data.testSize=500'];
const RUN_TIMEOUT = 300_000; // 12 short runs: ~10 s alone, longer on a shared machine
const CLI_TIMEOUT = 60_000; // a few commands in process (no TensorFlow.js)

describe('claims of a shortened quick experiment', () => {
  let run: Result;
  beforeAll(async () => {
    run = await bnExp(['run', quick, ...SHORT, '--out', out, '--force', '--quiet', '--no-report']);
  }, RUN_TIMEOUT);

  it('run writes claims.csv after the summaries, and no shipped claim is contradicted', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(path.join(out, 'claims.csv'))).toBe(true);
    const rows = parseCsv(readFileSync(path.join(out, 'claims.csv'), 'utf8'));
    expect(Object.keys(rows[0]!)).toEqual(['claim', 'cell', 'metric', 'kind', 'bound', 'verdict', 'estimate', 'ci_low', 'ci_high', 'n', 'note']);
    expect(rows.map((r) => r.claim)).toEqual(['bn-trains-deep-net', 'bn-costs-nothing-shallow', 'bn-reaches-85-no-later', 'bn-reaches-85-no-later']);
    expect(rows.filter((r) => r.verdict === 'contradicted')).toEqual([]);
    for (const r of rows) {
      if (r.ci_low === '' || r.metric !== 'final_test_acc') continue;
      // accuracy intervals stay in [0, 1]; a difference of accuracies in [-1, 1]
      expect(Number(r.ci_low)).toBeGreaterThanOrEqual(r.kind === 'value' ? 0 : -1);
      expect(Number(r.ci_high)).toBeLessThanOrEqual(1);
    }
    expect(run.stdout).toMatch(/hold, \d+ contradicted, \d+ inconclusive/);
  });

  it('bn-exp claims exits 0 exactly when every claim holds, and --allow-inconclusive passes inconclusive ones', async () => {
    const rows = parseCsv(readFileSync(path.join(out, 'claims.csv'), 'utf8'));
    const r = await bnExpIn(['claims', out]);
    const allHold = rows.every((x) => x.verdict === 'holds');
    expect(r.code, r.stdout + r.stderr).toBe(allHold ? 0 : 1);
    expect((await bnExpIn(['claims', out, '--allow-inconclusive'])).code).toBe(0);
  }, CLI_TIMEOUT);

  it('exits 0 when every claim holds and 1 when one is contradicted (claims from another config)', async () => {
    const holds = withClaims('holds', '  - { name: learns, metric: final_train_acc, where: { model.depth: 2 }, value: { atLeast: 0.6 } }\n');
    const ok = await bnExpIn(['claims', out, '--config', holds]);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/learns\s+model\.batchNorm=off model\.depth=2\s+value of final_train_acc >= 0\.6\s+holds/);
    const wrong = withClaims('wrong', '  - { name: bn-hurts, metric: final_train_acc, compare: { model.batchNorm: [off, before] }, where: { model.depth: 2 }, value: { atMost: 0.3 } }\n');
    const bad = await bnExpIn(['claims', out, '--config', wrong, '--allow-inconclusive']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('contradicted');
    expect(bad.stderr).toMatch(/claims failed: 1 contradicted/);
  }, CLI_TIMEOUT);

  it('exits 2 with a did-you-mean on an unknown axis, level or metric, without a stack trace', async () => {
    const typo = withClaims('typo', '  - { name: t, metric: final_tset_acc, compare: { model.batchNorm: [off, befor] }, difference: { atLeast: 0 } }\n');
    const r = await bnExpIn(['claims', out, '--config', typo]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/claims\.0\.compare\.model\.batchNorm\.1: unknown level "befor" of model\.batchNorm; did you mean "before"\?/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const axis = withClaims('axis', '  - { name: t, metric: final_test_acc, compare: { model.dept: [2, 8] }, difference: { atLeast: 0 } }\n');
    expect((await bnExpIn(['claims', out, '--config', axis])).stderr).toMatch(/"model\.dept" is not a swept axis; did you mean "model\.depth"\?/);
    const metric = withClaims('metric', '  - { name: t, metric: final_tset_acc, value: { atLeast: 0 } }\n');
    const m = await bnExpIn(['claims', out, '--config', metric]);
    expect(m.code).toBe(2);
    expect(m.stderr).toMatch(/claims\.0\.metric: unknown metric "final_tset_acc".*did you mean "final_test_acc"\?/);
  }, CLI_TIMEOUT);
});
