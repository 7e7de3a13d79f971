import { describe, expect, it } from 'vitest';
import type { CsvRow, ResultTables } from './cells.js';
import { bandOf, checkAgainstBaseline, DEFAULT_POLICY, stepRanges } from './regression.js';

// Synthetic result sets: one swept axis `bn`, seeds 0-2, evaluations at steps 0, 10, ..., 100.
// Baseline loss at step s for seed i: 1 - s/200 + 0.01*(i-1) (mean 1 - s/200, std 0.01 over seeds);
// accuracy the mirror image. `shift(step)` moves the candidate's loss up (and accuracy down).
const STEPS = Array.from({ length: 11 }, (_, i) => i * 10);

function tables(opts: { shift?: (step: number) => number; name?: string; cells?: string[]; status?: (i: number) => string; steps_to?: (i: number) => string } = {}): ResultTables {
  const runs: CsvRow[] = [];
  const curves: CsvRow[] = [];
  for (const bn of opts.cells ?? ['off', 'before']) {
    for (let i = 0; i < 3; i++) {
      const id = `${bn}-${i}`;
      runs.push({ run_id: id, seed: String(i), bn, status: opts.status?.(i) ?? 'ok', steps: '100', 'steps_to_test_acc_0.6': opts.steps_to?.(i) ?? '40' });
      for (const s of STEPS) {
        const d = opts.shift?.(s) ?? 0;
        const loss = 1 - s / 200 + 0.01 * (i - 1) + d;
        curves.push({ run_id: id, step: String(s), train_loss: String(loss), test_acc: String(1 - loss) });
      }
    }
  }
  return { name: opts.name ?? 'exp', axes: ['bn'], runs, curves };
}

const base = tables();
const outcomes = (r: ReturnType<typeof checkAgainstBaseline>, outcome: string) =>
  r.findings.filter((f) => f.outcome === outcome).map((f) => `${f.cell.bn} ${f.metric}`);

describe('bandOf', () => {
  it.each([
    // mean 1, std 0.01: k*std = 0.03, atol 0.01, rtol*|mean| = 0.05 -> 0.05
    { name: 'rtol floor', values: [0.99, 1, 1.01], floor: 0, half: 0.05 },
    { name: 'k * std', values: [0.5, 1, 1.5], floor: 0, half: 1.5 },
    { name: 'atol floor near zero', values: [0, 0, 0], floor: 0, half: 0.01 },
    { name: 'extra floor', values: [40, 40, 40], floor: 10, half: 10 },
    { name: 'one value: floors only', values: [2], floor: 0, half: 0.1 },
  ])('$name', ({ values, floor, half }) => {
    expect(bandOf(values, DEFAULT_POLICY, floor).half).toBeCloseTo(half, 12);
  });
});

describe('checkAgainstBaseline', () => {
  it('passes an identical result set', () => {
    const r = checkAgainstBaseline(base, tables());
    expect(r.unusable).toEqual([]);
    expect(r.findings).toHaveLength(2 * 4); // per cell: diverged, train_loss, test_acc, steps_to
    expect(outcomes(r, 'regressed')).toEqual([]);
    expect(outcomes(r, 'improved')).toEqual([]);
  });

  it('fails a sustained rise of the loss (and fall of the accuracy), saying where and by how much', () => {
    const r = checkAgainstBaseline(base, tables({ shift: (s) => (s >= 40 ? 0.2 : 0) }));
    expect(outcomes(r, 'regressed')).toEqual(['off train_loss', 'off test_acc', 'before train_loss', 'before test_acc']);
    const f = r.findings.find((x) => x.metric === 'train_loss')!;
    expect(f.worse.map((p) => p.step)).toEqual([40, 50, 60, 70, 80, 90, 100]);
    // By hand: from step 80 on the half-width is k*std = 3*0.01 = 0.03 (>= rtol*mean), so the candidate
    // (mean + 0.2) is 0.17 past the band there; the first of those ties is reported: step 80, 0.8 vs 0.6.
    expect(f.text).toContain('above the baseline band at 7/11 evaluations (steps 40-100)');
    expect(f.text).toContain('worst at step 80: 0.8 vs baseline 0.6 ± 0.03 [0.57, 0.63]: 0.17 above the band (+33.3% vs the baseline mean)');
  });

  it('does not fail a blip at fewer than `fraction` of the points, but fails it with fraction 0', () => {
    const blip = tables({ shift: (s) => (s === 50 || s === 60 ? 0.2 : 0) });
    const r = checkAgainstBaseline(base, blip);
    expect(outcomes(r, 'regressed')).toEqual([]);
    expect(r.findings.find((f) => f.metric === 'train_loss')!.text).toContain('not sustained');
    expect(outcomes(checkAgainstBaseline(base, blip, { ...DEFAULT_POLICY, fraction: 0 }), 'regressed')).toHaveLength(4);
  });

  it('reports an improvement without failing', () => {
    const r = checkAgainstBaseline(base, tables({ shift: (s) => (s >= 20 ? -0.2 : 0) }));
    expect(outcomes(r, 'regressed')).toEqual([]);
    expect(outcomes(r, 'improved')).toEqual(['off train_loss', 'off test_acc', 'before train_loss', 'before test_acc']);
    expect(r.findings.find((f) => f.outcome === 'improved')!.text).toMatch(/better than the baseline band at 9\/11 evaluations \(steps 20-100\)/);
  });

  it('fails steps-to-target that grows or is never reached (censored = last step)', () => {
    const r = checkAgainstBaseline(base, tables({ steps_to: () => '' }));
    expect(outcomes(r, 'regressed')).toEqual(['off steps_to_test_acc_0.6', 'before steps_to_test_acc_0.6']);
    expect(r.findings.find((f) => f.outcome === 'regressed')!.text).toContain('target never reached by 3/3 runs (baseline 0/3');
    // One evaluation interval (10 steps) of slack: 40 -> 50 passes, 40 -> 60 fails.
    expect(outcomes(checkAgainstBaseline(base, tables({ steps_to: () => '50' })), 'regressed')).toEqual([]);
    expect(outcomes(checkAgainstBaseline(base, tables({ steps_to: () => '60' })), 'regressed')).toHaveLength(2);
    expect(outcomes(checkAgainstBaseline(base, tables({ steps_to: () => '20' })), 'improved')).toHaveLength(2);
  });

  it('fails when more runs diverge than in the baseline', () => {
    const r = checkAgainstBaseline(base, tables({ status: (i) => (i === 0 ? 'diverged' : 'ok') }));
    expect(outcomes(r, 'regressed')).toEqual(['off diverged', 'before diverged']);
    expect(r.findings.find((f) => f.metric === 'diverged')!.text).toBe('diverged or failed runs: 1/3 (baseline 0/3)');
  });

  it.each([
    { name: 'another experiment', cand: tables({ name: 'other' }), message: /different experiment: the baseline is "exp", the results are "other"/ },
    { name: 'another sweep', cand: { ...tables(), axes: [] }, message: /different sweep/ },
    { name: 'a missing cell', cand: tables({ cells: ['off', 'after'] }), message: /missing from the results: bn=before/ },
    { name: 'no step in common', cand: { ...tables(), curves: tables().curves.map((c) => ({ ...c, step: String(Number(c.step) + 5) })) }, message: /no evaluation step in common/ },
    { name: 'a missing curve metric', cand: { ...tables(), curves: tables().curves.map(({ test_acc: _, ...c }) => c) }, message: /curves\.csv lacks test_acc/ },
  ])('calls $name unusable', ({ cand, message }) => {
    const r = checkAgainstBaseline(base, cand);
    expect(r.unusable.join('\n')).toMatch(message);
  });

  it('notes candidate cells the baseline does not have', () => {
    const r = checkAgainstBaseline(base, tables({ cells: ['off', 'before', 'after'] }));
    expect(r.unusable).toEqual([]);
    expect(r.notes).toEqual(['not in the baseline, not checked: bn=after']);
  });
});

describe('stepRanges', () => {
  it('joins consecutive evaluation steps into ranges', () => {
    expect(stepRanges([20, 40, 60, 100], [0, 20, 40, 60, 80, 100])).toBe('20-60, 100');
    expect(stepRanges([0], [0, 20])).toBe('0');
    expect(stepRanges([], [0, 20])).toBe('');
  });
});
