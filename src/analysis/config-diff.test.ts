import { describe, expect, it } from 'vitest';
import { configChanges } from './config-diff.js';

describe('configChanges', () => {
  it.each([
    { name: 'identical', a: { train: { lr: 0.1 } }, b: { train: { lr: 0.1 } }, want: [] },
    { name: 'changed leaf', a: { train: { lr: 0.1, steps: 5 } }, b: { train: { lr: 0.01, steps: 5 } }, want: ['train.lr: 0.1 -> 0.01'] },
    { name: 'added and removed', a: { x: 1 }, b: { y: 'a' }, want: ['x: 1 -> (absent)', 'y: (absent) -> "a"'] },
    { name: 'arrays are leaves', a: { sweep: { d: [2, 4] } }, b: { sweep: { d: [2] } }, want: ['sweep.d: [2,4] -> [2]'] },
    { name: 'claims are not a setup change', a: { train: { lr: 0.1 } }, b: { train: { lr: 0.1 }, claims: [{ name: 'x' }] }, want: [] },
  ])('$name', ({ a, b, want }) => {
    expect(configChanges(a, b)).toEqual(want);
  });
});
