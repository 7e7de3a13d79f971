import { compile } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { buildReport } from './build.js';
import type { ReportData } from './data.js';
import type { Section } from './section.js';

// Tiny hand-made result sets; every expected number below is worked out by hand in the comment beside it.
type Row = Record<string, string>;
const BN = 'model.batchNorm';

function data(runs: Row[], extra: Partial<ReportData> = {}): ReportData {
  const axes = extra.axes ?? [BN];
  const cols = [...new Set(runs.flatMap((r) => Object.keys(r)))];
  return {
    name: 'fixture',
    question: 'q?',
    description: '',
    axes,
    runs,
    runsColumns: ['run_id', 'seed', ...axes, 'status', ...cols.filter((c) => !['run_id', 'seed', 'status', ...axes].includes(c))],
    curves: [],
    curvesColumns: [],
    layers: [],
    landscape: [],
    shifts: [],
    config: {},
    ...extra,
  };
}
const run = (id: string, seed: number, params: Row, values: Row, status = 'ok'): Row => ({ run_id: id, seed: String(seed), ...params, status, ...values });
/** The section `id` of the report of `d`; every figure of that report must compile to Vega on the way. */
function section(d: ReportData, id: string): Section | undefined {
  const sections = buildReport(d).sections;
  for (const f of sections.flatMap((s) => s.figures)) expect(() => compile(f.spec), f.name).not.toThrow();
  return sections.find((s) => s.id === id);
}

// BN off vs before, 3 seeds. Steps to 90%: off 300, 400, never; before 100, 100, 150.
const SPEED = data([
  run('o0', 0, { [BN]: 'off' }, { final_test_acc: '0.80', 'steps_to_test_acc_0.9': '300', final_train_loss: '0.3' }),
  run('o1', 1, { [BN]: 'off' }, { final_test_acc: '0.82', 'steps_to_test_acc_0.9': '400', final_train_loss: '0.3' }),
  run('o2', 2, { [BN]: 'off' }, { final_test_acc: '0.78', 'steps_to_test_acc_0.9': '', final_train_loss: '0.3' }),
  run('b0', 0, { [BN]: 'before' }, { final_test_acc: '0.90', 'steps_to_test_acc_0.9': '100', final_train_loss: '0.2' }),
  run('b1', 1, { [BN]: 'before' }, { final_test_acc: '0.91', 'steps_to_test_acc_0.9': '100', final_train_loss: '0.2' }),
  run('b2', 2, { [BN]: 'before' }, { final_test_acc: '0.89', 'steps_to_test_acc_0.9': '150', final_train_loss: '0.2' }),
]);

describe('answers', () => {
  it('states the speed-up as a ratio paired by seed, with its CI and the censored run', () => {
    // Seeds 0 and 1 reached it on both sides: ratios 3 and 4, geometric mean sqrt(12) = 3.46.
    // Censored by the evaluation grid (evalEvery 50, the default): per pair the ratio A/B lies in
    // [a_low / b_high, a_high / b_low] = [2.5, 6] and [3.5, 8]; the t interval (t(0.975, 1) = 12.706) of the
    // log lower ends and of the log upper ends gives 0.35 to 43 (the uncensored one read 0.557 to 21.5).
    expect(section(SPEED, 'speed')?.answer).toBe(
      'BN (before) reached 90% test accuracy in 3.5x fewer steps than no BN (95% CI 0.35-43, 2 paired seeds where both reached it; no BN: 1 of 3 never reached it).',
    );
  });

  it('states the final accuracy difference paired by seed', () => {
    // Differences +0.10, +0.09, +0.11: mean +0.10, sd 0.01, se 0.01/sqrt(3); t(0.975, 2) = 4.303 -> +-2.5 pp.
    expect(section(SPEED, 'final')?.answer).toBe(
      'Final test accuracy was 90.0% with BN (before) vs 80.0% with no BN (+10.0 pp, 95% CI +7.5 pp to +12.5 pp, 3 paired seeds).',
    );
  });

  it('says when one seed cannot give a CI, and leads with the diverged runs when only one side diverged', () => {
    const d = data([
      run('o0', 0, { [BN]: 'off' }, { final_test_acc: 'NaN' }, 'diverged'),
      run('o1', 1, { [BN]: 'off' }, { final_test_acc: '0.7' }),
      run('b0', 0, { [BN]: 'before' }, { final_test_acc: '0.8' }),
      run('b1', 1, { [BN]: 'before' }, { final_test_acc: '0.9' }),
    ]);
    expect(section(d, 'final')?.answer).toBe(
      '1 of 2 runs with no BN diverged (none of the 2 with BN (before)), and final test accuracy was 90.0% with BN (before) vs 70.0% with no BN (+20.0 pp, no CI from a single seed, 1 paired seed).',
    );
  });

  it('says when a side has nothing to compare', () => {
    const d = data([run('o0', 0, { [BN]: 'off' }, { final_test_acc: 'NaN' }, 'diverged'), run('b0', 0, { [BN]: 'before' }, { final_test_acc: '0.8' })]);
    expect(section(d, 'final')?.answer).toBe(
      '1 of 1 runs with no BN diverged (not the one with BN (before)), and final test accuracy cannot be compared: no run with no BN has a value for a seed the other side also ran.',
    );
  });

  it('describes a single cell without a contrast', () => {
    const d = data([run('a', 0, {}, { final_test_acc: '0.8' }), run('b', 1, {}, { final_test_acc: '0.9' })], { axes: [] });
    // mean 0.85, sd 0.0707, se 0.05, t(0.975, 1) = 12.706 -> 0.85 +- 0.635
    // inside [0, 1] (logit-scale interval); the plain t interval read 21.5% to 148.5%
    expect(section(d, 'final')?.answer).toBe('Final test accuracy was 85.0% (95% CI 3.7% to 99.9%, 2 runs).');
  });

  it('says who reached a target when only one side did', () => {
    const d = data([
      run('o0', 0, { [BN]: 'off' }, { 'steps_to_test_acc_0.9': '' }),
      run('b0', 0, { [BN]: 'before' }, { 'steps_to_test_acc_0.9': '50' }),
    ]);
    expect(section(d, 'speed')?.answer).toBe('Only BN (before) reached 90% test accuracy (at step 50 on average; no BN: 1 of 1 never reached it).');
  });
});

describe('headlines chosen by evidence', () => {
  const D = 'model.depth';
  // Five depths in plan order 1..5; BN minus no BN in final test accuracy per seed (0, 1, 2):
  // depth 1: +0.01 +0.02 +0.03 (d = 0.02 / 0.01 = 2); depths 2-4: +0.001 +0.002 +0.003 (d = 0.2);
  // depth 5: +0.10 +0.11 +0.12 (d = 11): the largest standardized effect, last in plan order.
  const shift: Record<string, number> = { '1': 0.01, '2': 0.001, '3': 0.001, '4': 0.001, '5': 0.1 };
  const step: Record<string, number> = { '1': 0.01, '2': 0.001, '3': 0.001, '4': 0.001, '5': 0.01 };
  const runs = Object.keys(shift).flatMap((depth) =>
    ['off', 'before'].flatMap((bn) =>
      [0, 1, 2].map((seed) => {
        const acc = 0.5 + seed * 0.01 + (bn === 'before' ? shift[depth]! + seed * step[depth]! : 0);
        return run(`${bn}${depth}${seed}`, seed, { [D]: depth, [BN]: bn }, { final_test_acc: String(acc) });
      }),
    ),
  );
  const d = data(runs, { axes: [D, BN] });

  it('names the cell with the largest standardized effect first, not the first cell in plan order', () => {
    const answer = section(d, 'final')!.answer;
    expect(answer).toMatch(/^At depth=5, final test accuracy was .* \(\+11\.0 pp, /);
    expect(answer.indexOf('at depth=1,')).toBeGreaterThan(0); // the second largest comes next
    expect(answer).toMatch(/; 1 more comparison, with a smaller difference, is in the table\.$/);
  });

  it('puts a cell where one arm diverged and the other did not before any larger difference of means', () => {
    const withDiverged = runs.map((r) => (r[D] === '3' && r[BN] === 'off' && r.seed === '2' ? { ...r, status: 'diverged', final_test_acc: 'NaN' } : r));
    const answer = section(data(withDiverged, { axes: [D, BN] }), 'final')!.answer;
    expect(answer).toMatch(/^At depth=3, 1 of 3 runs with no BN diverged \(none of the 3 with BN \(before\)\), and final test accuracy was /);
    expect(answer).toMatch(/; at depth=5, final test accuracy/);
  });
});

describe('report.contrast', () => {
  const DR = 'model.dropout';
  // Final test accuracy: off@0 = 0.80 + 0.01 s, before@0 = off@0 + 0.02; off@0.5 = 0.78 + 0.01 s,
  // before@0.5 = off@0.5 + 0.02 + dd_s with dd = -0.04, -0.03, -0.05 for seeds 0, 1, 2.
  const dd = [-0.04, -0.03, -0.05];
  const rows = (seeds: number[]): Row[] =>
    ['off', 'before'].flatMap((bn) =>
      ['0', '0.5'].flatMap((dr) =>
        seeds.map((seed) => {
          const base = (dr === '0' ? 0.8 : 0.78) + 0.01 * seed;
          const acc = bn === 'off' ? base : base + 0.02 + (dr === '0.5' ? dd[seed]! : 0);
          return run(`${bn}${dr}${seed}`, seed, { [BN]: bn, [DR]: dr }, { final_test_acc: String(acc) });
        }),
      ),
    );
  const interaction = { report: { contrast: { of: { [BN]: ['off', 'before'] }, by: { [DR]: [0, 0.5] } } } };

  it('leads with the difference of differences and its CI paired by seed', () => {
    // dd mean -0.04, sd 0.01, se 0.01/sqrt(3); t(0.975, 2) = 4.303 -> -0.04 -+ 0.0248: -6.5 pp to -1.5 pp.
    const answer = section(data(rows([0, 1, 2]), { axes: [BN, DR], config: interaction }), 'final')!.answer;
    expect(answer).toMatch(
      /^The effect of BN \(before\) vs no BN on final test accuracy was -2\.0 pp at dropout=0\.5 and \+2\.0 pp at dropout=0, a difference of differences of -4\.0 pp \(95% CI -6\.5 pp to -1\.5 pp, 3 paired seeds\); /,
    );
  });

  it('gives no CI from fewer than 3 seeds and says so', () => {
    const answer = section(data(rows([0, 1]), { axes: [BN, DR], config: interaction }), 'final')!.answer;
    // seeds 0, 1: dd -0.04, -0.03 -> mean -3.5 pp
    expect(answer).toMatch(/^The effect of BN \(before\) vs no BN on final test accuracy was .*, a difference of differences of -3\.5 pp \(not enough seeds for a CI, 2 paired seeds\); /);
  });

  it('without report.contrast the headline has no interaction', () => {
    expect(section(data(rows([0, 1, 2]), { axes: [BN, DR] }), 'final')!.answer).not.toContain('difference of differences');
  });

  it('reports only the named levels, B against A, and colours the figures by that axis', () => {
    const three = ['off', 'before', 'after'].flatMap((bn, i) =>
      [0, 1].map((seed) => run(`${bn}${seed}`, seed, { [BN]: bn }, { final_test_acc: String(0.7 + 0.1 * i + 0.01 * seed * (i + 1)) })),
    );
    const plain = section(data(three), 'final')!.answer;
    expect(plain).toContain('with BN (after) vs 70.5% with no BN');
    const named = section(data(three, { config: { report: { contrast: { [BN]: ['before', 'after'] } } } }), 'final')!;
    // after - before = 0.10, 0.11: mean +10.5 pp, se 0.005, t(0.975, 1) = 12.706 -> +4.1 pp to +16.9 pp; the only comparison named
    expect(named.answer).toBe('Final test accuracy was 91.5% with BN (after) vs 81.0% with BN (before) (+10.5 pp, 95% CI +4.1 pp to +16.8 pp, 2 paired seeds).');
    expect(JSON.stringify(named.figures[0]!.spec)).toContain('"BN (before)","BN (after)","no BN"');
  });
});

describe('captions true of the data shown', () => {
  const B = 'train.batchSize';
  // Gap per cell: batch 16 -> 0.02 + 0.01 seed; batch 256 -> `large` (per BN level) + 0.02 seed.
  const gapRuns = (steps: (m: number) => number, large: Record<string, number>): Row[] =>
    [16, 256].flatMap((m) =>
      ['off', 'before'].flatMap((bn) =>
        [0, 1].map((seed) =>
          run(`${bn}${m}${seed}`, seed, { [BN]: bn, [B]: String(m) }, {
            generalization_gap: String(m === 16 ? 0.02 + seed * 0.01 : large[bn]! + seed * 0.02),
            final_test_acc: '0.8',
            steps: String(steps(m)),
          }),
        ),
      ),
    );
  const gap = (runs: Row[]): Section => section(data(runs, { axes: [BN, B] }), 'gap')!;

  it('gap: equal steps -> the caption and the answer say the large batch saw more data, and no Keskar reading', () => {
    const s = gap(gapRuns(() => 100, { off: 0.1, before: 0.1 }));
    const caption = s.figures[0]!.caption;
    expect(caption).toContain('did not see the same data: batch 256 saw 16x as many training examples as batch 16 (100 vs 100 steps at batch 256 and 16)');
    expect(caption).toContain('these runs cannot show it');
    expect(caption).not.toContain('compared cell: the large-batch generalization gap');
    expect(s.answer).toMatch(/; batch 256 saw 16x as many training examples as batch 16 .*, so this is not an equal-epoch comparison\.$/);
  });

  it('gap: equal epochs and a gap that grew in every cell -> the large-batch gap reading', () => {
    // 1600 steps x 16 = 100 steps x 256 examples
    const s = gap(gapRuns((m) => 25600 / m, { off: 0.1, before: 0.1 }));
    expect(s.figures[0]!.caption).toContain('Every batch size saw the same data (equal epochs), and the gap grew from batch 16 to 256 in every compared cell: the large-batch generalization gap (Keskar et al. 2017).');
    expect(s.answer).not.toContain('training examples');
  });

  it('gap: equal epochs but a gap that shrank in one cell -> no large-batch reading', () => {
    // BN: 0.02, 0.03 at batch 16 vs 0.0, 0.02 at batch 256: shrank
    const s = gap(gapRuns((m) => 25600 / m, { off: 0.1, before: 0 }));
    expect(s.figures[0]!.caption).toContain('the gap grew from batch 16 to 256 in only 1 of 2 compared cells: these runs do not show a consistent large-batch generalization gap');
  });

  it('gap: sentence, table and caption agree on the unit (percentage points; the figure says it plots fractions)', () => {
    const s = gap(gapRuns(() => 100, { off: 0.1, before: 0.1 }));
    expect(s.answer).toContain('from +2.5 pp at batch 16 to +11.0 pp at batch 256');
    // the table's gap cell for BN off at batch 16: mean 0.025 -> +2.5 pp
    expect(s.table!.rows.find((r) => r[0] === 'off' && r[1] === '16')![5]).toMatch(/^\+2\.5 pp \[.* pp, .* pp\] \(n=2\)$/);
    expect(s.figures[0]!.caption).toContain('The figure plots it as a fraction (0.01 = 1 pp); the sentence and the table give it in percentage points (pp).');
  });

  // AdaBN on a shifted set: test 0.9, shifted (moving statistics) 0.6; no-BN runs score the same in every mode.
  function adabnData(adabn: number[]): ReportData {
    const runs = [
      ...adabn.map((x, seed) =>
        run(`b${seed}`, seed, { [BN]: 'before' }, { final_test_acc: '0.9', final_shifted_acc: '0.6', 'final_shifted_acc@adabn': String(x), 'final_test_acc@adabn': '0.9' }),
      ),
      ...adabn.map((_, seed) =>
        run(`o${seed}`, seed, { [BN]: 'off' }, { final_test_acc: '0.8', final_shifted_acc: '0.5', 'final_shifted_acc@adabn': '0.5', 'final_test_acc@adabn': '0.8' }),
      ),
    ];
    return data(runs);
  }

  it('modes: "AdaBN restored" only when the whole CI of its gain is above 0', () => {
    // gains 0.25, 0.26, 0.24 (mean 25.0 pp) of a 30.0 pp cost
    const met = section(adabnData([0.85, 0.86, 0.84]), 'modes')!;
    expect(met.answer).toContain('AdaBN restored 25.0 pp of the 30.0 pp the shift cost on shifted (BN (before)) (95% CI');
    expect(met.figures[0]!.caption).toContain('AdaBN (statistics re-estimated on each evaluation set) restored accuracy lost to the shift on shifted');
    // gains +0.01, -0.01, 0: mean 0, sd 0.01, se 0.00577, t(0.975, 2) = 4.303 -> -2.5 pp to +2.5 pp: the CI holds 0
    const not = section(adabnData([0.61, 0.59, 0.6]), 'modes')!;
    expect(not.answer).toContain('AdaBN did not measurably change the accuracy on shifted (BN (before)): 0.0 pp vs the moving statistics (95% CI -2.5 pp to +2.5 pp, paired within 3 runs)');
    expect(not.answer).not.toContain('restored');
    expect(not.figures[0]!.caption).not.toContain('restored');
  });

  it('modes: "every mode gives the same network without BN" only when the no-BN runs show it', () => {
    expect(section(adabnData([0.85, 0.86, 0.84]), 'modes')!.figures[0]!.caption).toContain('in the no-BN runs every mode scored exactly the default');
    const only = data(adabnData([0.85, 0.86, 0.84]).runs.filter((r) => r[BN] === 'before'));
    expect(section(only, 'modes')!.figures[0]!.caption).not.toContain('Without BN');
  });

  // Shifted sets s1..sK: accuracy 0.9 - 0.02 k (drop 0.02 k), MMD² 0.01 k (same order as the drop), mean change
  // in another order, std ratio 1 everywhere (no change), as shifts.csv would hold them for each run.
  const MEAN_CHANGE = [0.5, 0.1, 0.4, 0.2, 0.3, 0.6];
  function shiftData(k: number): ReportData {
    const sets = Array.from({ length: k }, (_, i) => i + 1);
    const runs = [0, 1].map((seed) => run(`r${seed}`, seed, {}, Object.fromEntries([['final_test_acc', '0.9'], ...sets.map((j) => [`final_s${j}_acc`, String(0.9 - 0.02 * j)])])));
    const shifts = runs.flatMap((r) =>
      sets.map((j) => ({ run_id: r.run_id!, shift: `s${j}`, family: 'covariate', mmd2: String(0.01 * j), mean_change_avg: String(MEAN_CHANGE[j - 1]), std_ratio_avg: '1', shape_w1: '0.1' })),
    );
    return data(runs, { axes: [], shifts });
  }

  it('shifts: relates the drop to each measured shift size with Spearman rho, n and p', () => {
    const s = section(shiftData(6), 'shifts')!;
    // MMD² ranks equal the drop's ranks: rho = 1; exact p = 2 / 6! = 0.0028 (the identity and the reverse order)
    expect(s.answer).toContain('the drop followed MMD² most closely (Spearman rho = +1, n = 6, p = 0.0028: larger shifts cost more accuracy, strongly)');
    expect(s.notes.join(' ')).toContain('std change |log std ratio|: n = 6: no spread in the size or the drop');
    expect(s.figures[0]!.caption).not.toContain('see shifts.csv');
  });

  it('shifts: with fewer than 5 shifted sets it says they are too few to tell', () => {
    expect(section(shiftData(4), 'shifts')!.answer).toContain('(only 4 points (cell and shifted set): too few to tell)');
  });
});

describe('sections from optional data', () => {
  it('has only the sections its data can answer', () => {
    expect(buildReport(SPEED).sections.map((s) => s.id)).toEqual(['speed', 'final']);
  });

  it('gap vs batch size: from the smallest to the largest batch, per BN level', () => {
    const B = 'train.batchSize';
    const runs = [16, 256].flatMap((m) =>
      ['off', 'before'].flatMap((bn) =>
        [0, 1].map((seed) => run(`${bn}${m}${seed}`, seed, { [BN]: bn, [B]: String(m) }, { generalization_gap: String(m === 16 ? 0.02 + seed * 0.01 : 0.1 + seed * 0.02), final_test_acc: '0.8' })),
      ),
    );
    const s = section(data(runs, { axes: [BN, B] }), 'gap');
    expect(s?.figures.map((f) => f.name)).toEqual(['gap-batch-size']);
    // gaps 0.02, 0.03 -> 0.10, 0.12: differences 0.08, 0.09, mean +8.5 pp; sd 0.00707, se 0.005, t 12.706 -> +-6.4 pp
    expect(s?.answer).toContain('with BN (before), the generalization gap went from +2.5 pp at batch 16 to +11.0 pp at batch 256 (+8.5 pp, 95% CI +2.1 pp to +14.8 pp, 2 paired seeds)');
    expect(s?.answer).toMatch(/^With no BN, the generalization gap went from \+2\.5 pp/);
  });

  it('BN noise: measured against predicted at the config batch size', () => {
    const runs = [0, 1, 2].map((seed) => run(`b${seed}`, seed, { [BN]: 'before' }, { bn_noise_mean: String(0.12 + 0.01 * seed), bn_noise_pred: '0.125' }));
    const d = data([run('o0', 0, { [BN]: 'off' }, { bn_noise_mean: 'NaN', bn_noise_pred: 'NaN' }), ...runs], { config: { train: { batchSize: 64 } } });
    // mean 0.13, sd 0.01, se 0.00577, t(0.975, 2) = 4.303 -> 0.105 to 0.155; 0.13 / 0.125 = 1.04; 1/sqrt(64) = 0.125
    expect(section(d, 'noise')?.answer).toBe(
      'At batch size 64 with BN (before), the measured noise of the BN batch mean was 0.13 (95% CI 0.107-0.157, 3 seeds) vs the predicted 0.125 (1/sqrt(m) = 0.125), 1.04x the prediction.',
    );
  });

  it('shifts: the largest drop from the clean test accuracy, and what BN changed on that set', () => {
    const d = data([
      run('o0', 0, { [BN]: 'off' }, { final_test_acc: '0.8', final_mild_acc: '0.75', final_hard_acc: '0.5' }),
      run('o1', 1, { [BN]: 'off' }, { final_test_acc: '0.8', final_mild_acc: '0.77', final_hard_acc: '0.6' }),
      run('b0', 0, { [BN]: 'before' }, { final_test_acc: '0.8', final_mild_acc: '0.78', final_hard_acc: '0.7' }),
      run('b1', 1, { [BN]: 'before' }, { final_test_acc: '0.8', final_mild_acc: '0.78', final_hard_acc: '0.7' }),
    ], { shifts: [{ run_id: 'o0', shift: 'hard', family: 'covariate' }] });
    const s = section(d, 'shifts');
    // drops: mild 0.04 (off), 0.02 (before); hard 0.25 (off), 0.10 (before)
    expect(s?.answer).toMatch(/^Over 2 shifted sets \(4 set-cell pairs\), accuracy changed by -25\.0 pp to -2\.0 pp from the clean test accuracy; the largest drop was on hard \(covariate shift; no BN\): -25\.0 pp/);
    expect(s?.answer).toContain('on that set BN (before) scored +15.0 pp vs no BN');
    expect(s?.table?.rows.find((r) => r[1] === 'hard' && r[0] === 'off')?.[2]).toBe('covariate');
  });

  it('inference modes: columns named <col>@<mode>, compared with the default within each run', () => {
    const d = data([
      run('b0', 0, { [BN]: 'before' }, { final_test_acc: '0.80', 'final_test_acc@population': '0.82', 'final_test_acc@batch1': '0.50' }),
      run('b1', 1, { [BN]: 'before' }, { final_test_acc: '0.80', 'final_test_acc@population': '0.81', 'final_test_acc@batch1': '0.40' }),
    ]);
    const s = section(d, 'modes');
    // batch1 - moving: -0.30, -0.40: mean -35 pp, the largest |effect|
    expect(s?.answer).toMatch(/^The largest effect of the inference mode was batch1 on test: -35\.0 pp vs moving averages \(95% CI/);
    expect(JSON.stringify(s?.figures[0]?.spec)).toContain('"population"');
  });

  it('layer percentiles and drift from layers.csv, answered by the drift summary of runs.csv', () => {
    const layers: Row[] = [];
    const runs = ['off', 'before'].flatMap((bn) =>
      [0, 1].map((seed) => run(`${bn}${seed}`, seed, { [BN]: bn }, { drift_last_layer: String(bn === 'off' ? 0.8 : 0.1 * (seed + 1)) })),
    );
    for (const r of runs) {
      for (const step of [0, 100]) {
        for (const layer of [1, 2]) {
          layers.push({ run_id: r.run_id!, step: String(step), layer: String(layer), kind: 'hidden', q15: '-1', q50: String(step / 100), q85: '1', w1_prev: step === 0 ? '' : '0.2', u0_q15: '-1', u0_q50: '0', u0_q85: '1' });
        }
        layers.push({ run_id: r.run_id!, step: String(step), layer: '3', kind: 'output', q15: '-9', q50: '0', q85: '9' });
      }
    }
    const d = data(runs, { layers });
    const p = section(d, 'percentiles');
    expect(p?.figures.map((f) => f.name)).toEqual(['percentiles-layers', 'percentiles-units']);
    const values = (p?.figures[0]?.spec as { data: { values: { row: string; q15: number }[] } }).data.values;
    expect(new Set(values.map((v) => v.row))).toEqual(new Set(['layer 1', 'layer 2'])); // the output layer is left out
    // drift 0.8, 0.8 vs 0.1, 0.2: ratio of geometric means sqrt(0.02)/0.8 = 0.177 -> 5.7x smaller
    expect(p?.answer).toMatch(/^The last hidden layer's normalized median drift was 5\.7x smaller with BN \(before\) than with no BN \(geometric means 0\.141 vs 0\.8, 95% CI of the ratio/);
    expect(section(d, 'drift')?.figures.map((f) => f.name)).toEqual(['layers-w1_prev']);
  });
});
