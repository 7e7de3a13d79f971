import { describe, expect, it } from 'vitest';
import { expandPlan, runId } from '../plan/expand.js';
import { parseExperiment } from './load.js';
import { bnChoiceOf, targetList, withSteps } from './resolve.js';
import { ModelSchema } from './schema.js';

// The config resolved once (spec.resolved): what data/, model/ and train/ read instead of normalizing
// the sections again. The sections themselves, and so the run ids, stay as written.

const runs = (yaml: string) => expandPlan(parseExperiment(`name: r\n${yaml}`, 'r.yaml')).runs;

describe('spec.resolved', () => {
  it('holds the BN variant as one choice, its settings defaults filled in, and noisy BN beside it', () => {
    const [plain, ghost, renorm, tuned] = runs(
      'model: { batchNorm: before }\ntrain: { steps: 40, evalEvery: 20, batchSize: 32 }\nsweep:\n  model: [{ batchNorm: before }, { batchNorm: before, ghostBatchSize: 8 }, { batchNorm: before, batchRenorm: true }, { batchNorm: before, batchRenorm: { rMax: 2 }, noisyBN: { nMu: 0.2 } }]\n',
    );
    expect(plain!.resolved.bn).toEqual({ kind: 'standard' });
    expect(plain!.resolved.noisy).toBeUndefined();
    expect(ghost!.resolved.bn).toEqual({ kind: 'ghost', size: 8 });
    expect(renorm!.resolved.bn).toEqual({ kind: 'renorm', rMax: 3, dMax: 5, warmupSteps: 200, rampSteps: 1000 });
    expect(tuned!.resolved.bn).toEqual({ kind: 'renorm', rMax: 2, dMax: 5, warmupSteps: 200, rampSteps: 1000 });
    expect(tuned!.resolved.noisy).toEqual({ nMu: 0.2, nSigma: 1.25, meanSpread: 0.1, scaleStd: 0.1, perUnit: false });
    expect(runs('model: { noisyBN: true }\ntrain: { steps: 40, evalEvery: 20 }\n')[0]!.resolved.noisy).toEqual({ nMu: 0.5, nSigma: 1.25, meanSpread: 0.1, scaleStd: 0.1, perUnit: false });
    expect(bnChoiceOf(ModelSchema.parse({}))).toEqual({ kind: 'standard' });
  });

  it('names every shift once, with the path it was written at', () => {
    const [single] = runs('data: { shift: { kind: mean, amount: 1 } }\ntrain: { steps: 40, evalEvery: 20 }\n');
    expect(single!.resolved.shifts.map((s) => [s.name, s.path, s.shift.kind])).toEqual([['shifted', 'data.shift', 'mean']]);
    const [list] = runs('data: { shift: [{ kind: mean, amount: 1 }, { kind: mean, amount: 2 }, { kind: affine, name: dark }] }\ntrain: { steps: 40, evalEvery: 20 }\n');
    expect(list!.resolved.shifts.map((s) => [s.name, s.path])).toEqual([
      ['mean', 'data.shift.0'],
      ['mean_2', 'data.shift.1'],
      ['dark', 'data.shift.2'],
    ]);
    expect(runs('train: { steps: 40, evalEvery: 20 }\n')[0]!.resolved.shifts).toEqual([]);
  });

  it('lists the targets and states the duration; total steps only where the config fixes them', () => {
    const t = { metric: 'test_acc' as const, value: 0.9 };
    expect(targetList(undefined)).toEqual([]);
    expect(targetList(t)).toEqual([t]);
    expect(targetList([t, t])).toEqual([t, t]);
    const [steps] = runs('train: { steps: 40, evalEvery: 20, target: { metric: test_acc, value: 0.9 } }\n');
    expect(steps!.resolved).toMatchObject({ duration: { kind: 'steps', steps: 40 }, totalSteps: 40, targets: [t] });
    const [epochs] = runs('data: { trainSize: 500 }\ntrain: { epochs: 3, batchSize: 64, evalEvery: 7 }\n');
    expect(epochs!.resolved).toMatchObject({ duration: { kind: 'epochs', epochs: 3 }, totalSteps: 21, targets: [] });
    // mnist restricted to a region of its own data: the training rows are known once the data is built.
    const [region] = runs('data: { kind: mnist, trainPerClass: 20, testPerClass: 10, shift: { kind: subpopulation, feature: mean } }\ntrain: { epochs: 1, batchSize: 10, evalEvery: 5 }\n');
    expect(region!.resolved.totalSteps).toBeUndefined();
    const short = withSteps(epochs!, 7);
    expect(short.train).toMatchObject({ steps: 7, epochs: undefined });
    expect(short.resolved).toMatchObject({ duration: { kind: 'steps', steps: 7 }, totalSteps: 7 });
  });

  it('sits beside the sections: they hold no resolved value and the run id hashes them alone', () => {
    const [run] = runs('model: { batchNorm: before, batchRenorm: true, noisyBN: true }\ndata: { shift: { kind: mean, amount: 1 } }\ntrain: { steps: 40, evalEvery: 20 }\n');
    expect(run!.model.batchRenorm).toBe(true);
    expect(run!.model.noisyBN).toBe(true);
    expect(run!.data.shift).toEqual({ kind: 'mean', amount: 1, relabel: true });
    expect(JSON.stringify({ data: run!.data, model: run!.model, train: run!.train })).not.toMatch(/"kind":"renorm"|"name":"shifted"/);
    expect(run!.id).toBe(runId({ data: run!.data, model: run!.model, train: run!.train, seed: run!.seed }));
  });
});
