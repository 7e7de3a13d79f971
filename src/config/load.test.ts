import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, UsageError } from '../errors.js';
import { configIssues } from '../testing/config.js';
import { parseExperiment, parseExperimentNoted, readExperiment } from './load.js';

const MIN = 'name: t\ntrain: {steps: 100}\n';

describe('parseExperiment: valid configs', () => {
  const cases: { name: string; text: string; file?: string; overrides?: string[]; expected: object }[] = [
    {
      name: 'defaults fill every section',
      text: MIN,
      expected: {
        name: 't',
        description: '',
        seeds: 1,
        sweep: {},
        data: { kind: 'synthetic', features: 20, classes: 2, trainSize: 2000, testSize: 1000, labelNoise: 0 },
        model: { depth: 2, width: 64, activation: 'relu', init: 'he', batchNorm: 'off', bnMomentum: 0.99, bnEpsilon: 1e-3, dropout: 0 },
        train: { optimizer: 'sgd', learningRate: 0.05, momentum: 0.9, batchSize: 64, steps: 100, evalEvery: 50, evalTrainSize: 2000, divergeFactor: 20 },
      },
    },
    {
      name: 'nested defaults (input, teacher)',
      text: `${MIN}data: {input: {scale: 2}}\n`,
      expected: {
        data: {
          input: { distribution: 'gaussian', mean: 0, scale: 2, sigma: 0.5, correlation: 0 },
          teacher: { depth: 2, width: 32, activation: 'tanh' },
        },
      },
    },
    {
      name: 'JSON by extension',
      text: '{"name": "j", "train": {"steps": 100}, "seeds": [3, 1]}',
      file: 'x.json',
      expected: { name: 'j', seeds: [3, 1], train: { steps: 100 } },
    },
    {
      name: 'unknown extension is read as YAML',
      text: MIN,
      file: 'x.txt',
      expected: { name: 't' },
    },
    {
      name: 'sweep keeps its written order',
      text: `${MIN}sweep:\n  model.width: [8, 16]\n  model.batchNorm: [off, before]\n`,
      expected: { sweep: { 'model.width': [8, 16], 'model.batchNorm': ['off', 'before'] } },
    },
    {
      name: 'target as one object or a list',
      text: 'name: t\ntrain: {steps: 100, target: [{metric: test_acc, value: 0.9}, {metric: train_loss, value: 0.1}]}\n',
      expected: { train: { target: [{ metric: 'test_acc', value: 0.9 }, { metric: 'train_loss', value: 0.1 }] } },
    },
    {
      name: '--set values are YAML and create mappings',
      text: MIN,
      overrides: ['train.learningRate=0.1', 'model.batchNorm=off', 'data.input.mean=1', 'sweep.model.depth=[2,4]'],
      expected: { train: { learningRate: 0.1 }, model: { batchNorm: 'off' }, data: { input: { mean: 1 } }, sweep: { 'model.depth': [2, 4] } },
    },
    {
      name: '--set on a swept path fixes it and drops the axis',
      text: `${MIN}sweep:\n  model.depth: [1, 2]\n  model.width: [8, 16]\n`,
      overrides: ['model.depth=3'],
      expected: { model: { depth: 3 }, sweep: { 'model.width': [8, 16] } },
    },
    {
      name: '--set fixes an invalid file value before validation',
      text: 'name: t\ntrain: {epochs: 2}\nmodel: {depth: 0}\n',
      overrides: ['model.depth=1'],
      expected: { model: { depth: 1 } },
    },
    {
      name: 'empty file plus --set',
      text: '',
      overrides: ['name=e', 'train.steps=100'],
      expected: { name: 'e', train: { steps: 100 } },
    },
  ];

  it.each(cases)('$name', ({ text, file, overrides, expected }) => {
    expect(parseExperiment(text, file ?? 'exp.yaml', overrides)).toMatchObject(expected);
  });
});

describe('parseExperiment: invalid configs', () => {
  // `path` is the dotted path the issue must be reported on ("" = whole file); `message` a substring.
  const cases: { name: string; text: string; file?: string; overrides?: string[]; path: string; message: string }[] = [
    { name: 'malformed YAML', text: 'name: t\ntrain: {epochs: 1\n', path: '', message: 'invalid YAML at line 3, column 1' },
    { name: 'malformed JSON', text: '{"name": "t",\n  "train": {"epochs": 1,}}', file: 'x.json', path: '', message: 'invalid JSON at line 2, column 25' },
    { name: 'duplicate YAML key', text: `${MIN}name: u\n`, path: '', message: 'invalid YAML at line 3, column 1' },
    { name: 'top level is a list', text: '- 1\n', path: '', message: 'expected a mapping; got a list' },
    { name: 'missing name', text: 'train: {epochs: 1}\n', path: 'name', message: 'missing (expected a string)' },
    { name: 'bad name', text: 'name: a b\ntrain: {epochs: 1}\n', path: 'name', message: `expected a name made of letters, digits, ".", "_" or "-", starting with a letter or digit (it names the results folder); got 'a b'` },
    { name: 'unknown top-level key', text: `${MIN}sweeps: {}\n`, path: 'sweeps', message: 'unknown key; did you mean "sweep"?' },
    { name: 'unknown nested key', text: `${MIN}model: {batchNrom: before}\n`, path: 'model.batchNrom', message: 'unknown key; did you mean "batchNorm"?' },
    { name: 'unknown deep key', text: `${MIN}data: {input: {distrib: uniform}}\n`, path: 'data.input.distrib', message: 'did you mean "distribution"?' },
    { name: 'unknown key, nothing close', text: `${MIN}model: {zzzzzzzz: 1}\n`, path: 'model.zzzzzzzz', message: 'unknown key (expected one of depth, width,' },
    { name: 'unknown key inside a target list', text: 'name: t\ntrain: {steps: 9, evalEvery: 1, target: [{metric: test_acc, valeu: 1}]}\n', path: 'train.target.0.valeu', message: 'did you mean "value"?' },
    { name: 'enum', text: `${MIN}model: {batchNorm: bfore}\n`, path: 'model.batchNorm', message: "expected one of off, before, after; got 'bfore'" },
    { name: 'enum inside a target list', text: 'name: t\ntrain: {steps: 9, evalEvery: 1, target: [{metric: tst_acc, value: 1}]}\n', path: 'train.target.0.metric', message: "got 'tst_acc'" },
    { name: 'string for a number', text: `${MIN}data: {input: {mean: abc}}\n`, path: 'data.input.mean', message: "expected a number; got string 'abc'" },
    { name: 'string for an integer', text: `${MIN}data: {trainSize: abc}\n`, path: 'data.trainSize', message: "expected an integer >= 1; got string 'abc'" },
    { name: 'fraction for an integer', text: `${MIN}model: {width: 1.5}\n`, path: 'model.width', message: 'expected an integer >= 1; got 1.5' },
    { name: 'boolean for a number', text: 'name: t\ntrain: {steps: 100, learningRate: true}\n', path: 'train.learningRate', message: 'expected a number > 0; got boolean true' },
    { name: 'number for a mapping', text: `${MIN}model: 3\n`, path: 'model', message: 'expected a mapping; got 3' },
    { name: 'depth < 1', text: `${MIN}model: {depth: 0}\n`, path: 'model.depth', message: 'expected an integer >= 1; got 0' },
    { name: 'dropout 1', text: `${MIN}model: {dropout: 1}\n`, path: 'model.dropout', message: 'expected a number >= 0 and < 1; got 1' },
    { name: 'dropout -0.1', text: `${MIN}model: {dropout: -0.1}\n`, path: 'model.dropout', message: 'expected a number >= 0 and < 1; got -0.1' },
    { name: 'bnMomentum 1', text: `${MIN}model: {bnMomentum: 1}\n`, path: 'model.bnMomentum', message: 'expected a number > 0 and < 1; got 1' },
    { name: 'seeds 0', text: `${MIN}seeds: 0\n`, path: 'seeds', message: 'expected an integer >= 1; got 0' },
    { name: 'seeds of the wrong type', text: `${MIN}seeds: abc\n`, path: 'seeds', message: "expected a list or an integer >= 1; got string 'abc'" },
    { name: 'fractional seed in a list', text: `${MIN}seeds: [1, 1.5]\n`, path: 'seeds.1', message: 'expected an integer; got 1.5' },
    { name: 'shift without its kind', text: `${MIN}data: {shift: {amount: 1}}\n`, path: 'data.shift.kind', message: 'missing (expected one of mean, scale, shape, affine, gains, signflip, correlation, subpopulation)' },
    { name: 'sweep axis not a list', text: `${MIN}sweep: {model.depth: 3}\n`, path: 'sweep.model.depth', message: 'expected a list; got 3' },
    { name: 'empty sweep axis', text: `${MIN}sweep: {model.depth: []}\n`, path: 'sweep.model.depth', message: 'expected a list with at least 1 item; got 0' },
    { name: 'a --set value is validated like the file', text: MIN, overrides: ['model.depth=0'], path: 'model.depth', message: 'got 0' },
    { name: 'a --set with a typo gets a suggestion', text: MIN, overrides: ['model.widht=3'], path: 'model.widht', message: 'did you mean "width"?' },
  ];

  it.each(cases)('$name', ({ text, file = 'exp.yaml', overrides, path, message }) => {
    const err = catchError(() => parseExperiment(text, file, overrides));
    expect(err).toBeInstanceOf(ConfigError);
    const lines = (err as ConfigError).message.split('\n');
    const prefix = path === '' ? `${file}: ` : `${file}: ${path}: `;
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${escape(prefix)}.*${escape(message)}`)));
    expect(lines.every((l) => l.startsWith(`${file}: `))).toBe(true);
  });

  it('collects every schema issue in one error', () => {
    const text = 'name: t\nfoo: 1\ntrain: {epochs: 1}\nmodel: {depth: 0, dropout: 1, batchNrom: x}\n';
    const err = catchError(() => parseExperiment(text, 'exp.yaml')) as ConfigError;
    expect(err.issues.map((i) => i.path).sort()).toEqual(['foo', 'model.batchNrom', 'model.depth', 'model.dropout']);
  });

  it('a malformed --set is a UsageError', () => {
    expect(catchError(() => parseExperiment(MIN, 'exp.yaml', ['model.depth']))).toBeInstanceOf(UsageError);
  });
});

describe('readExperiment', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bn-exp-load-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads YAML from disk and applies overrides', async () => {
    const file = join(dir, 'a.yml');
    await writeFile(file, MIN);
    await expect(readExperiment(file, ['model.width=8'])).resolves.toMatchObject({ name: 't', model: { width: 8 } });
  });

  it('names the file in config errors', async () => {
    const file = join(dir, 'b.json');
    await writeFile(file, '{"name": "t", "train": {"epochs": 0}}');
    await expect(readExperiment(file)).rejects.toThrow(`${file}: train.epochs: expected an integer >= 1; got 0`);
  });

  it.each([
    { name: 'missing file', path: 'missing.yaml', message: 'no such file' },
    { name: 'a directory', path: '.', message: 'directory' },
  ])('$name is a UsageError naming the file', async ({ path, message }) => {
    const file = join(dir, path);
    const err = await readExperiment(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toContain(file);
    expect((err as Error).message).toContain(message);
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('claims and overrides', () => {
  const text = [
    'name: c',
    'data: { kind: synthetic, features: 4, classes: 2, trainSize: 64, testSize: 32 }',
    'model: { depth: 2, width: 8 }',
    'train: { batchSize: 16, steps: 10, evalEvery: 5, learningRate: 0.1 }',
    'seeds: 3',
    'sweep: { model.batchNorm: [off, before] }',
    'claims:',
    '  - { name: bn-helps, metric: final_test_acc, compare: { model.batchNorm: [off, before] }, difference: { atLeast: 0 } }',
  ].join('\n');

  it('sets aside a claim whose axis an override removes, and says so', () => {
    const noted = parseExperimentNoted(text, 'c.yaml', ['model.batchNorm=before']);
    expect(noted.claimsSetAside).toEqual(['bn-helps']);
    expect(noted.config.claims).toEqual([]);
    expect(parseExperimentNoted(text, 'c.yaml', ['train.steps=5']).claimsSetAside).toEqual([]);
  });

  it('still refuses a claim that is wrong in the file itself', () => {
    const bad = text.replace('[off, before] }, difference', '[off, bfore] }, difference');
    expect(configIssues(() => parseExperiment(bad, 'c.yaml', ['train.steps=5'])).join('\n')).toMatch(/unknown level "bfore"/);
  });
});
