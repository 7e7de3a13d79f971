import { describe, expect, it } from 'vitest';
import { extraModes, modeLabel, modeSplits } from './mode-names.js';
import { expandPlan } from '../plan/expand.js';
import { parseExperiment } from './load.js';
import { EvalSchema } from './schema.js';
import { configIssues } from '../testing/config.js';

const FILE = 'exp.yaml';
const parse = (yaml: string) => parseExperiment(`name: t\ntrain: {steps: 100}\n${yaml}`, FILE);

const issuesOf = (yaml: string): string[] => configIssues(() => parse(yaml));

describe('BN variant keys', () => {
  it('default to plain BN; switches and their settings can be swept', () => {
    const run = expandPlan(parse('model: {batchNorm: before, noisyBN: true}\n')).runs[0]!;
    expect(run.model).toMatchObject({ bnCenter: true, bnScale: true, trainOnly: 'all', inputBatchNorm: false, batchRenorm: false, noisyBN: true });
    expect(run.model.ghostBatchSize).toBeUndefined();
    const onOff = expandPlan(parse('model: {batchNorm: before}\nsweep: {model.batchRenorm: [false, true, {rMax: 2}]}\n')).runs;
    expect(onOff.map((r) => r.model.batchRenorm)).toEqual([false, true, { rMax: 2, dMax: 5, warmupSteps: 200, rampSteps: 1000 }]);
    // A setting inside the switch can be swept on its own; the other settings keep their values.
    const inner = expandPlan(parse('model: {batchNorm: before, batchRenorm: {dMax: 1}}\nsweep: {model.batchRenorm.rMax: [2, 4]}\n')).runs;
    expect(inner.map((r) => r.model.batchRenorm)).toEqual([2, 4].map((rMax) => ({ rMax, dMax: 1, warmupSteps: 200, rampSteps: 1000 })));
  });

  it.each([
    { name: 'ghost BN without BN', yaml: 'model: {ghostBatchSize: 16}\n', path: 'model.ghostBatchSize', message: 'needs a BN layer' },
    { name: 'BN-only training without BN', yaml: 'model: {trainOnly: bn}\n', path: 'model.trainOnly', message: 'needs a BN layer' },
    { name: 'no gamma without BN', yaml: 'model: {bnScale: false}\n', path: 'model.bnScale', message: 'needs a BN layer' },
    {
      name: 'a swept BN switch',
      yaml: 'model: {batchRenorm: true}\nsweep: {model.batchNorm: [before, off]}\n',
      path: 'sweep.model.batchNorm',
      message: "value 'off' makes model.batchRenorm apply to a network without BN",
    },
    { name: 'ghost size not dividing the batch', yaml: 'model: {batchNorm: before, ghostBatchSize: 24}\n', path: 'model.ghostBatchSize', message: 'expected a divisor of train.batchSize (64); got 24' },
    { name: 'ghost size of one', yaml: 'model: {batchNorm: before, ghostBatchSize: 1}\n', path: 'model.ghostBatchSize', message: '>= 2' },
    { name: 'ghost and renorm', yaml: 'model: {batchNorm: before, ghostBatchSize: 16, batchRenorm: true}\n', path: 'model.batchRenorm', message: 'cannot be combined' },
    { name: 'nothing to train', yaml: 'model: {batchNorm: before, trainOnly: bn, bnScale: false, bnCenter: false}\n', path: 'model.trainOnly', message: 'leaves nothing to train' },
    { name: 'rMax below 1', yaml: 'model: {batchNorm: before, batchRenorm: {rMax: 0.5}}\n', path: 'model.batchRenorm.rMax', message: '>= 1' },
    { name: 'unknown noisy key', yaml: 'model: {noisyBN: {nMU: 1}}\n', path: 'model.noisyBN.nMU', message: 'did you mean "nMu"' },
    { name: 'a mode listed twice', yaml: 'eval: {modes: [adabn, {batch: 4}, {batch: 4, order: iid}]}\n', path: 'eval.modes.2', message: 'mode batch4-iid is listed more than once' },
    { name: 'an unknown mode', yaml: 'eval: {modes: [populaton]}\n', path: 'eval.modes.0', message: 'population' },
  ])('rejects $name', ({ yaml, path, message }) => {
    const lines = issuesOf(yaml);
    const line = lines.find((l) => l.startsWith(`${FILE}: ${path}:`));
    expect(line, lines.join('\n')).toBeDefined();
    expect(line).toContain(message);
  });

  it('accepts noisy BN without BN (the control) and the variants with BN', () => {
    expect(issuesOf('model: {noisyBN: true}\n')).toEqual([]);
    expect(issuesOf('model: {inputBatchNorm: true, trainOnly: bn}\n')).toEqual([]);
    expect(issuesOf('model: {batchNorm: after, ghostBatchSize: 16, bnCenter: false}\n')).toEqual([]);
    expect(issuesOf('model: {trainOnly: output}\n')).toEqual([]);
  });

  it('keeps eval out of the run id, like probes', () => {
    const a = expandPlan(parse('model: {batchNorm: before}\n')).runs[0]!;
    const b = expandPlan(parse('model: {batchNorm: before}\neval: {modes: [population]}\n')).runs[0]!;
    expect(b.id).toBe(a.id);
    expect(b.eval?.modes).toEqual(['population']);
  });
});

describe('inference-mode columns', () => {
  const cfg = EvalSchema.parse({ modes: ['moving', 'population', { batch: 8 }, { batch: 8, order: 'sorted' }, 'adabn', 'population'] });

  it('labels modes and skips moving (the plain columns) and repeats', () => {
    expect(extraModes(cfg).map(modeLabel)).toEqual(['population', 'batch8-iid', 'batch8-sorted', 'adabn']);
    expect(modeSplits(cfg, ['train', 'test']).slice(0, 3)).toEqual(['train@population', 'test@population', 'train@batch8-iid']);
    expect(modeSplits(undefined, ['test'])).toEqual([]);
  });
});
