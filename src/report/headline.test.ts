import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bnExpIn, experiment } from '../../test/helpers.js';
import { parseCsv } from '../record/csv.js';

// End to end: a shortened real run of experiments/convergence.yaml (40 steps instead of 1500, learning
// rates 0.1 and 0.5 instead of 0.01, 0.1, 0.5; depth 4 and 12, BN off and before, 3 seeds). At 40 steps
// the plain depth-12 net at lr 0.5 already diverges in some seeds while the BN net does not; that cell is
// the last of the four in plan order, so a headline in plan order would name depth 4 / lr 0.1 first.
// The built CLI runs in process (training in its worker threads).
const tmp = mkdtempSync(path.join(os.tmpdir(), 'bn-exp-headline-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The answer paragraph of section `id` in report.md (the line after its heading). */
function answerOf(md: string, id: string): string {
  const lines = md.split('\n');
  const at = lines.indexOf(`<a id="${id}"></a>`);
  expect(at, `section ${id} in report.md`).toBeGreaterThanOrEqual(0);
  return lines.slice(at + 1).find((l) => l.trim() !== '' && !l.startsWith('## ')) ?? '';
}

describe('headline of a shortened convergence run', () => {
  it('leads with depth 12 / lr 0.5, where the plain net diverged and the BN net did not', async () => {
    const out = path.join(tmp, 'convergence');
    const r = await bnExpIn([
      'run', experiment('convergence.yaml'), '--out', out, '--backend', 'wasm', '--quiet',
      '--set', 'train.steps=40', '--set', 'train.evalEvery=20', '--set', 'sweep.train.learningRate=[0.1,0.5]',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // What the run measured: the plain depth-12 net at lr 0.5 diverged in some seeds, the BN net in none,
    // and no other cell diverged.
    const runs = parseCsv(readFileSync(path.join(out, 'runs.csv'), 'utf8'));
    const diverged = runs.filter((x) => x.status === 'diverged');
    expect(diverged.length).toBeGreaterThan(0);
    for (const x of diverged) {
      expect([x['model.depth'], x['model.batchNorm'], x['train.learningRate']]).toEqual(['12', 'off', '0.5']);
    }
    const k = diverged.length;
    const md = readFileSync(path.join(out, 'report.md'), 'utf8');
    // The report's first section (convergence curves) and the final-metrics section both open with that cell.
    for (const id of ['convergence', 'final']) {
      expect(answerOf(md, id)).toMatch(new RegExp(`^At depth=12 and learningRate=0\\.5, ${k} of 3 runs with no BN diverged \\(none of the 3 with BN \\(before\\)\\)`));
    }
    const first = md.split('\n').find((l) => l.startsWith('At ') || l.startsWith('With ')) ?? '';
    expect(first).toMatch(/^At depth=12 and learningRate=0\.5,/);
  }, 600_000);
});
