import { describe, expect, it } from 'vitest';
import type { Split } from './split.js';
import { epochOrder } from './batching.js';
import { trainPhaseAt } from './drift.js';
import { Rng } from '../stats/rng.js';

// 3 classes of 40, 60 and 100 examples, 2 features; feature 0 = the row index (for the clustered check).
const n = 200;
const y = Int32Array.from({ length: n }, (_, i) => (i < 40 ? 0 : i < 100 ? 1 : 2));
const x = Float32Array.from({ length: n * 2 }, (_, k) => (k % 2 === 0 ? k / 2 : 0));
const split: Split = { x, y, n, features: 2 };
const B = 20;

const isPermutation = (p: Int32Array): boolean => [...p].sort((a, b) => a - b).every((v, i) => v === i);
const batches = (p: Int32Array): number[][] => Array.from({ length: Math.floor(n / B) }, (_, b) => Array.from(p.subarray(b * B, (b + 1) * B)));

describe('epochOrder', () => {
  it('iid is exactly the RNG permutation (the order before train.batching existed)', () => {
    expect(epochOrder('iid', split, B, new Rng(1))).toEqual(new Rng(1).permutation(n));
  });

  it.each(['iid', 'sorted', 'clustered'] as const)('%s is a permutation, deterministic for a stream', (batching) => {
    const p = epochOrder(batching, split, B, new Rng(2));
    expect(isPermutation(p)).toBe(true);
    expect(epochOrder(batching, split, B, new Rng(2))).toEqual(p);
    expect(epochOrder(batching, split, B, new Rng(3))).not.toEqual(p);
  });

  it('sorted: every batch holds one class (class sizes are multiples of the batch), in a random batch order', () => {
    const p = epochOrder('sorted', split, B, new Rng(4));
    const classesOf = batches(p).map((b) => new Set(b.map((i) => y[i])));
    expect(classesOf.every((c) => c.size === 1)).toBe(true);
    const sequence = classesOf.map((c) => [...c][0]);
    expect(sequence).not.toEqual([...sequence].sort()); // not walked class by class
  });

  it('clustered: each batch is a run of neighbours along the random direction', () => {
    // Only feature 0 varies, so the projection orders rows by index (either direction): each batch is 20 consecutive rows.
    const p = epochOrder('clustered', split, B, new Rng(5));
    for (const b of batches(p)) expect(Math.max(...b) - Math.min(...b)).toBe(B - 1);
    const iid = batches(epochOrder('iid', split, B, new Rng(5)));
    expect(iid.some((b) => Math.max(...b) - Math.min(...b) > B)).toBe(true);
  });
});

describe('trainPhaseAt', () => {
  const phases = [0, 1, 2, 3].map((k): Split => ({ ...split, n: k + 1 }));
  it.each([
    { step: 0, phase: 0 },
    { step: 24, phase: 0 },
    { step: 25, phase: 1 },
    { step: 99, phase: 3 },
    { step: 100, phase: 3 },
  ])('step $step of 100 with 4 phases uses phase $phase', ({ step, phase }) => {
    expect(trainPhaseAt({ train: split, trainPhases: phases }, step, 100)).toBe(phases[phase]);
  });

  it('without drift the training set itself', () => {
    expect(trainPhaseAt({ train: split }, 50, 100)).toBe(split);
  });
});
