import { tf } from '../tf.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { expandPlan } from '../plan/expand.js';
import { parseExperiment } from '../config/load.js';
import type { RunSpec } from '../types.js';
import { selectBackend } from './backend.js';
import { runOne } from './run-one.js';

const yaml = `
name: tiny
seeds: [3]
data: { features: 6, classes: 2, trainSize: 128, testSize: 64, teacher: { depth: 1, width: 8 } }
model: { depth: 2, width: 8, batchNorm: before }
train: { batchSize: 16, steps: 40, evalEvery: 10 }
`;
const spec = (): RunSpec => expandPlan(parseExperiment(yaml, 'tiny.yaml')).runs[0]!;

describe('runOne', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('generates the data and trains: same result as a second call', async () => {
    const a = await runOne(spec());
    const b = await runOne(spec());
    expect(a.status).toBe('ok');
    expect(a.curve.map((r) => r.step)).toEqual([0, 10, 20, 30, 40]);
    expect(b.curve).toEqual(a.curve);
    expect(structuredClone(a)).toEqual(a); // what a worker sends back is plain data
  });

  it('turns an exception in training into a failed result with the message', async () => {
    const broken = spec();
    (broken.train as { optimizer: string }).optimizer = 'bogus';
    const r = await runOne(broken);
    expect(r).toMatchObject({ status: 'failed', steps: 0, curve: [], error: 'unsupported optimizer bogus' });
    expect(r.wallSeconds).toBeGreaterThanOrEqual(0);
  });

  it('turns an exception in data generation into a failed result, leaking no tensor', async () => {
    const broken = spec();
    (broken.data.input as { distribution: string }).distribution = 'bogus';
    const before = tf.memory().numTensors;
    const r = await runOne(broken);
    expect(r).toMatchObject({ status: 'failed', error: expect.stringContaining('bogus') as unknown });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops at the next evaluation when aborted and rejects (not a failed run), leaking no tensor', async () => {
    const controller = new AbortController();
    const steps: number[] = [];
    const before = tf.memory().numTensors;
    const run = runOne(spec(), {
      signal: controller.signal,
      onEval: (rec) => {
        steps.push(rec.step);
        if (rec.step === 10) controller.abort(new Error('stop'));
      },
    });
    await expect(run).rejects.toThrow('stop');
    expect(steps).toEqual([0, 10]);
    expect(tf.memory().numTensors).toBe(before);
    await expect(runOne(spec(), { signal: controller.signal })).rejects.toThrow('stop');
  });
});
