import { describe, expect, it } from 'vitest';
import { fmtDiff, fmtRatio, fmtRatioCi, fmtValue, sentence } from './format.js';
import { cellPhrase, cellText, fileStem, levelLabel, valueLabel } from './labels.js';
import { compactObjectLevels } from './labels.js';

describe('labels', () => {
  it('labels swept values, levels and cells', () => {
    expect(valueLabel('[{"name":"a","kind":"mean"},{"kind":"scale"}]')).toBe('a,scale');
    expect(valueLabel(JSON.stringify([1, 2, 3, 4].map((i) => ({ name: `s${i}` }))))).toBe('s1,s2,... (4)');
    expect(levelLabel('model.batchNorm', 'off')).toBe('no BN');
    expect(levelLabel('model.batchNorm', 'after')).toBe('BN (after)');
    expect(cellText({ 'model.depth': '8', 'train.learningRate': '0.1' }, ['model.depth', 'train.learningRate'], ', ')).toBe('depth=8, learningRate=0.1');
    expect(fileStem('final_test_acc@population')).toBe('final_test_acc-at-population');
    expect(cellPhrase({ 'model.batchNorm': 'off', 'model.depth': '8', 'train.batchSize': '16' }, ['model.depth', 'model.batchNorm', 'train.batchSize'])).toBe(
      'with no BN, at depth=8 and batchSize=16',
    );
  });
});

describe('format', () => {
  it('prints accuracies as percentages and their differences in points', () => {
    expect(fmtValue('final_test_acc', 0.8745)).toBe('87.5%');
    expect(fmtDiff('final_test_acc', -0.0123)).toBe('-1.2 pp');
    expect(fmtValue('steps_to_test_acc_0.9', 149.6)).toBe('150');
    expect(fmtValue('loss_band', 0.012345)).toBe('0.0123');
  });

  it('prints ratios and their intervals', () => {
    expect(fmtRatio(3.14159)).toBe('3.1x');
    expect(fmtRatio(21.6)).toBe('22x');
    expect(fmtRatio(0.5567)).toBe('0.56x');
    expect(fmtRatioCi(2.44, 3.91)).toBe('2.4-3.9');
    expect(fmtRatioCi(1, Infinity)).toBe('at least 1.0');
    expect(fmtRatioCi(0, 3.91)).toBe('at most 3.9');
  });

  it('joins clauses into one sentence', () => {
    expect(sentence(['at depth=2, a', 'at depth=8, b'])).toBe('At depth=2, a; at depth=8, b.');
    expect(sentence([])).toBe('');
  });
});

describe('compactObjectLevels', () => {
  it('shows only the keys that differ between the levels of a mapping-valued axis', () => {
    const runs = [
      { run_id: 'a', model: '{"depth":4,"batchNorm":"off"}', seed: '0' },
      { run_id: 'b', model: '{"depth":4,"batchNorm":"off","dropout":0.3}', seed: '0' },
      { run_id: 'c', model: '{"depth":4,"batchNorm":"before","ghostBatchSize":16}', seed: '0' },
      { run_id: 'd', model: '{"depth":4,"batchNorm":"off"}', seed: '1' },
    ];
    expect(compactObjectLevels(runs, ['model']).map((r) => r.model)).toEqual([
      '{batchNorm=off}',
      '{batchNorm=off, dropout=0.3}',
      '{batchNorm=before, ghostBatchSize=16}',
      '{batchNorm=off}',
    ]);
    // Plain values and shift lists are left alone.
    const plain = [{ run_id: 'a', depth: '2' }, { run_id: 'b', depth: '8' }];
    expect(compactObjectLevels(plain, ['depth'])).toEqual(plain);
  });
});
