import { describe, expect, it } from 'vitest';
import { parseExperiment } from './load.js';
import { ExperimentSchema } from './schema.js';
import { validateExperiment } from './validate.js';
import { configIssues } from '../testing/config.js';

const FILE = 'exp.yaml';

const issuesOf = (yaml: string, overrides: string[] = []): string[] => configIssues(() => parseExperiment(`name: t\n${yaml}`, FILE, overrides));

describe('cross-field rules', () => {
  // Each line must read "exp.yaml: <path>: <message...>"; `message` is a substring.
  const invalid: { name: string; yaml: string; overrides?: string[]; path: string; message: string }[] = [
    { name: 'both epochs and steps', yaml: 'train: {epochs: 2, steps: 100}\n', path: 'train', message: 'set exactly one of epochs or steps, not both' },
    { name: 'neither epochs nor steps', yaml: 'model: {depth: 2}\n', path: 'train', message: 'set exactly one of epochs or steps (neither is set)' },
    { name: 'batchSize > trainSize', yaml: 'data: {trainSize: 100}\ntrain: {steps: 100, batchSize: 128}\n', path: 'train.batchSize', message: 'expected at most data.trainSize (100); got 128' },
    {
      name: 'batchSize > trainSize through a sweep',
      yaml: 'train: {steps: 100}\nsweep: {train.batchSize: [64, 5000]}\n',
      path: 'sweep.train.batchSize',
      message: 'value 5000 makes train.batchSize > data.trainSize (2000)',
    },
    {
      name: 'batchSize > trainSize through a swept trainSize',
      yaml: 'train: {steps: 100}\nsweep: {data.trainSize: [32, 2000]}\n',
      path: 'sweep.data.trainSize',
      message: 'value 32 makes train.batchSize > data.trainSize (32)',
    },
    {
      name: 'two swept axes to blame',
      yaml: 'train: {steps: 100}\nsweep: {train.batchSize: [64, 512]}\n',
      overrides: ['sweep.data.trainSize=[256, 1024]'],
      path: 'sweep.train.batchSize',
      message: 'value 512 (with data.trainSize=256) makes train.batchSize > data.trainSize (256)',
    },
    { name: 'evalEvery > total steps', yaml: 'train: {steps: 10}\n', path: 'train.evalEvery', message: "expected at most the run's total steps (10); got 50" },
    { name: 'evalEvery > total steps from epochs', yaml: 'train: {epochs: 1}\n', path: 'train.evalEvery', message: "total steps (31); got 50" },
    { name: 'evalEvery through a sweep', yaml: 'train: {steps: 100}\nsweep: {train.steps: [100, 20]}\n', path: 'sweep.train.steps', message: 'value 20 makes train.evalEvery (50) > total steps (20)' },
    { name: 'accuracy target out of range', yaml: 'train: {steps: 100, target: {metric: test_acc, value: 90}}\n', path: 'train.target.value', message: 'expected an accuracy in [0, 1]; got 90' },
    { name: 'negative loss target', yaml: 'train: {steps: 100, target: [{metric: test_loss, value: -1}]}\n', path: 'train.target.0.value', message: 'expected a loss >= 0; got -1' },
    { name: 'duplicate seeds', yaml: 'train: {steps: 100}\nseeds: [1, 2, 1]\n', path: 'seeds.2', message: 'seed 1 is listed more than once' },
    { name: 'duplicate sweep value', yaml: 'train: {steps: 100}\nsweep: {model.depth: [2, 3, 2]}\n', path: 'sweep.model.depth', message: 'value 2 is listed more than once' },
    {
      name: 'two cells that resolve to the same run',
      yaml: 'train: {steps: 100}\nsweep: {model: [{}, {depth: 2}]}\n',
      path: 'sweep',
      message: 'cells model={} and model={"depth":2} resolve to the same run',
    },
    { name: 'unknown sweep key', yaml: 'train: {steps: 100}\nsweep: {model.batchNrom: [off]}\n', path: 'sweep.model.batchNrom', message: 'unknown key "batchNrom" in model; did you mean "model.batchNorm"?' },
    { name: 'unknown deep sweep key', yaml: 'train: {steps: 100}\nsweep: {data.input.scal: [1]}\n', path: 'sweep.data.input.scal', message: 'did you mean "data.input.scale"?' },
    { name: 'unknown sweep section', yaml: 'train: {steps: 100}\nsweep: {modle.depth: [1]}\n', path: 'sweep.modle.depth', message: 'did you mean "model.depth"?' },
    { name: 'sweep below a scalar', yaml: 'train: {steps: 100}\nsweep: {model.depth.x: [1]}\n', path: 'sweep.model.depth.x', message: 'model.depth is not a mapping' },
    { name: 'swept seeds', yaml: 'train: {steps: 100}\nsweep: {seeds: [1, 2]}\n', path: 'sweep.seeds', message: 'seeds are not swept' },
    { name: 'swept name', yaml: 'train: {steps: 100}\nsweep: {name: [a, b]}\n', path: 'sweep.name', message: 'name cannot be swept' },
    { name: 'swept description', yaml: 'train: {steps: 100}\nsweep: {description: [a]}\n', path: 'sweep.description', message: 'only keys under data, model, train can be swept' },
    { name: 'overlapping axes', yaml: 'train: {steps: 100}\nsweep: {model: [{}], model.depth: [1]}\n', path: 'sweep.model.depth', message: 'overlaps the sweep axis "model"' },
    { name: 'swept depth < 1', yaml: 'train: {steps: 100}\nsweep: {model.depth: [1, 0]}\n', path: 'sweep.model.depth', message: 'value 0 makes model.depth invalid: expected an integer >= 1; got 0' },
    { name: 'swept dropout 1', yaml: 'train: {steps: 100}\nsweep: {model.dropout: [0.5, 1]}\n', path: 'sweep.model.dropout', message: 'value 1 makes model.dropout invalid: expected a number >= 0 and < 1; got 1' },
    { name: 'swept enum typo', yaml: 'train: {steps: 100}\nsweep: {model.batchNorm: [off, bfore]}\n', path: 'sweep.model.batchNorm', message: "value 'bfore' makes model.batchNorm invalid: expected one of off, before, after; got 'bfore'" },
    { name: 'swept mapping with an unknown key', yaml: 'train: {steps: 100}\nsweep: {data.input: [{scael: 2}]}\n', path: 'sweep.data.input', message: 'makes data.input.scael invalid: unknown key; did you mean "scale"?' },
    { name: 'swept part of an absent shift', yaml: 'train: {steps: 100}\nsweep: {data.shift.amount: [1]}\n', path: 'sweep.data.shift.amount', message: 'makes data.shift.kind invalid: missing' },
    { name: 'swept section that is not a mapping', yaml: 'train: {steps: 100}\nsweep: {model: [3]}\n', path: 'sweep.model', message: 'value 3 makes model invalid: expected a mapping; got 3' },
    { name: 'steps swept onto an epochs config', yaml: 'train: {epochs: 2}\nsweep: {train.steps: [100]}\n', path: 'sweep.train.steps', message: 'value 100 makes train set both epochs and steps' },
  ];

  it.each(invalid)('$name', ({ yaml, overrides, path, message }) => {
    const lines = issuesOf(yaml, overrides);
    expect(lines.filter((l) => l.startsWith(`${FILE}: ${path}: `) && l.includes(message))).toHaveLength(1);
    expect(lines.every((l) => l.startsWith(`${FILE}: `))).toBe(true);
  });

  const valid: { name: string; yaml: string }[] = [
    { name: 'steps only', yaml: 'train: {steps: 100}\n' },
    { name: 'epochs only', yaml: 'train: {epochs: 2}\n' },
    { name: 'epochs swept into a steps-free config', yaml: 'sweep: {train.epochs: [2, 4]}\n' },
    { name: 'a sweep fixes an invalid base value', yaml: 'data: {trainSize: 32}\ntrain: {steps: 100}\nsweep: {data.trainSize: [64, 128]}\n' },
    { name: 'evalEvery equal to the run length', yaml: 'train: {steps: 50}\n' },
    { name: 'batch equal to the training set', yaml: 'data: {trainSize: 64}\ntrain: {steps: 100, batchSize: 64}\n' },
    { name: 'targets in range', yaml: 'train: {steps: 100, target: [{metric: test_acc, value: 1}, {metric: test_loss, value: 0}]}\n' },
    { name: 'a swept parent and an unrelated axis', yaml: 'train: {steps: 100}\nsweep: {data.input: [{scale: 1}, {scale: 2}], model.depth: [1, 2]}\n' },
  ];

  it.each(valid)('accepts $name', ({ yaml }) => {
    expect(issuesOf(yaml)).toEqual([]);
  });

  it('reports a problem shared by every cell once, at its own path', () => {
    const lines = issuesOf('train: {steps: 10}\nsweep: {model.depth: [1, 2, 3]}\n');
    expect(lines).toEqual([`${FILE}: train.evalEvery: expected at most the run's total steps (10); got 50`]);
  });

  describe('report.contrast', () => {
    const base = 'train: {steps: 100}\nsweep: {model.batchNorm: [off, before], model.dropout: [0, 0.5]}\n';
    it.each([
      ['a contrast of one axis', 'report: {contrast: {model.batchNorm: [off, before]}}\n'],
      ['an interaction', 'report: {contrast: {of: {model.batchNorm: [off, before]}, by: {model.dropout: [0, 0.5]}}}\n'],
    ])('accepts %s', (_name, yaml) => {
      expect(issuesOf(base + yaml)).toEqual([]);
    });

    it.each([
      ['an axis that is not swept', 'report: {contrast: {model.batchNrom: [off, before]}}\n', 'report.contrast.model.batchNrom', 'expected a swept axis; did you mean "model.batchNorm"?'],
      ['a level that is not swept', 'report: {contrast: {model.batchNorm: [off, bfore]}}\n', 'report.contrast.model.batchNorm', "'bfore' is not a level of sweep.model.batchNorm; did you mean before?"],
      ['a numeric level that is not swept', 'report: {contrast: {of: {model.batchNorm: [off, before]}, by: {model.dropout: [0, 0.3]}}}\n', 'report.contrast.by.model.dropout', '0.3 is not a level of sweep.model.dropout'],
      ['two axes in one part', 'report: {contrast: {model.batchNorm: [off, before], model.dropout: [0, 0.5]}}\n', 'report.contrast', 'expected exactly one swept axis with two levels'],
      ['the same level twice', 'report: {contrast: {model.batchNorm: [off, off]}}\n', 'report.contrast.model.batchNorm', "expected two different levels; got 'off' twice"],
      ['the same axis in of and by', 'report: {contrast: {of: {model.dropout: [0, 0.5]}, by: {model.dropout: [0.5, 0]}}}\n', 'report.contrast.by', 'expected an axis other than the "of" axis (model.dropout)'],
    ])('names %s with the file and the field', (_name, yaml, path, message) => {
      const lines = issuesOf(base + yaml);
      expect(lines.filter((l) => l.startsWith(`${FILE}: ${path}: `) && l.includes(message)), lines.join('\n')).toHaveLength(1);
    });

    it('rejects an unknown key under report with a did-you-mean', () => {
      expect(issuesOf(`${base}report: {contrats: {model.batchNorm: [off, before]}}\n`).join('\n')).toMatch(/report.*did you mean "contrast"/);
    });
  });

  it('validateExperiment returns no issues for a valid config', () => {
    const config = ExperimentSchema.parse({ name: 't', train: { steps: 100 }, sweep: { 'model.depth': [1, 2] } });
    expect(validateExperiment(config)).toEqual([]);
  });
});
