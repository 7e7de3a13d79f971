import { describe, expect, it } from 'vitest';
import { shiftNames } from './data-rules.js';
import { expandPlan } from '../plan/expand.js';
import { parseExperiment } from './load.js';
import { SyntheticDataSchema } from './schema.js';
import { configIssues } from '../testing/config.js';

const FILE = 'exp.yaml';
const parse = (yaml: string) => parseExperiment(`name: t\n${yaml.includes('train:') ? '' : 'train: {steps: 100}\n'}${yaml}`, FILE);

const issuesOf = (yaml: string): string[] => configIssues(() => parse(yaml));

describe('shiftNames', () => {
  it.each([
    { name: 'a single mapping keeps the historical name', shift: { kind: 'mean', amount: 1 }, names: ['shifted'] },
    { name: 'a single named mapping', shift: { kind: 'mean', amount: 1, name: 'dark' }, names: ['dark'] },
    { name: 'a list: names default to the kind', shift: [{ kind: 'mean', amount: 1 }, { kind: 'affine' }], names: ['mean', 'affine'] },
    { name: 'repeated kinds are numbered', shift: [{ kind: 'mean', amount: 1 }, { kind: 'mean', amount: 2 }, { kind: 'mean', amount: 3 }], names: ['mean', 'mean_2', 'mean_3'] },
    { name: 'a default never takes an explicit name', shift: [{ kind: 'mean', amount: 1 }, { kind: 'scale', amount: 1, name: 'mean' }], names: ['mean_2', 'mean'] },
    { name: 'no shift', shift: undefined, names: [] },
  ])('$name', ({ shift, names }) => {
    expect(shiftNames(SyntheticDataSchema.parse({ shift }))).toEqual(names);
  });
});

describe('data configs', () => {
  const valid: { name: string; yaml: string; check?: (c: ReturnType<typeof parse>) => void }[] = [
    { name: 'synthetic by default', yaml: 'data: {features: 3}\n', check: (c) => expect(c.data.kind).toBe('synthetic') },
    {
      name: 'csv with defaults',
      yaml: 'data: {kind: csv, path: d.csv}\n',
      check: (c) => expect(c.data).toEqual({ kind: 'csv', path: 'd.csv', label: 'label', testFraction: 0.2, standardize: true }),
    },
    {
      name: 'mnist with defaults',
      yaml: 'data: {kind: mnist}\ntrain: {steps: 100, batchSize: 60}\n',
      check: (c) => expect(c.data).toEqual({ kind: 'mnist', trainPerClass: 800, testPerClass: 63, binarize: false }),
    },
    { name: 'mnist nuisance shifts', yaml: 'data: {kind: mnist, shift: [{kind: affine, scale: -1, offset: 1}, {kind: mean, amount: 1, relabel: false}]}\n' },
    { name: 'every shift kind on synthetic data', yaml: 'data: {shift: [{kind: mean, amount: 1}, {kind: scale, amount: 1}, {kind: shape, amount: 1}, {kind: affine}, {kind: gains}, {kind: signflip}, {kind: correlation, amount: 0.5}, {kind: subpopulation}]}\n' },
    { name: 'drift', yaml: 'data: {drift: {to: {kind: shape, form: heavy, amount: 0.5}}}\n', check: (c) => expect(c.data.drift?.phases).toBe(8) },
    { name: 'batching', yaml: 'train: {steps: 100, batching: sorted}\n', check: (c) => expect(c.train.batching).toBe('sorted') },
    { name: 'lists as sweep values', yaml: 'sweep: {data.shift: [[{kind: mean, amount: 1}], [{kind: subpopulation}]]}\n' },
    { name: 'sweeping a data kind', yaml: 'sweep: {data: [{kind: synthetic}, {kind: mnist, trainPerClass: 100, testPerClass: 10}]}\n' },
  ];
  it.each(valid)('accepts $name', ({ yaml, check }) => {
    const config = parse(yaml);
    expect(() => expandPlan(config)).not.toThrow();
    check?.(config);
  });

  // Each line must read "exp.yaml: <path>: <message...>"; `message` is a substring.
  const invalid: { name: string; yaml: string; path: string; message: string }[] = [
    { name: 'unknown data kind', yaml: 'data: {kind: images}\n', path: 'data.kind', message: "expected one of synthetic, csv, mnist; got 'images'" },
    { name: 'csv without its path', yaml: 'data: {kind: csv}\n', path: 'data.path', message: 'missing (expected a string)' },
    { name: 'a key of another kind', yaml: 'data: {kind: mnist, features: 3}\n', path: 'data.features', message: 'unknown key (expected one of kind, trainPerClass' },
    { name: 'a typo in a csv key', yaml: 'data: {kind: csv, path: d.csv, tesFraction: 0.1}\n', path: 'data.tesFraction', message: 'did you mean "testFraction"?' },
    { name: 'testFraction 1', yaml: 'data: {kind: csv, path: d.csv, testFraction: 1}\n', path: 'data.testFraction', message: 'expected a number > 0 and < 1; got 1' },
    { name: 'unknown shift kind in a list', yaml: 'data: {shift: [{kind: mean, amount: 1}, {kind: blur}]}\n', path: 'data.shift.1.kind', message: "got 'blur'" },
    { name: 'a bound of the shift kind in use', yaml: 'data: {shift: [{kind: affine}, {kind: shape, amount: 2}]}\n', path: 'data.shift.1.amount', message: 'expected a number >= 0 and <= 1; got 2' },
    { name: 'a key of another shift kind', yaml: 'data: {shift: {kind: affine, amount: 1}}\n', path: 'data.shift.amount', message: 'unknown key' },
    { name: 'duplicate shift names', yaml: 'data: {shift: [{kind: mean, amount: 1, name: a}, {kind: scale, amount: 1, name: a}]}\n', path: 'data.shift.1.name', message: 'two shifts are named "a"' },
    { name: 'a reserved shift name', yaml: 'data: {shift: [{kind: mean, amount: 1, name: test}]}\n', path: 'data.shift.0.name', message: '"test" is taken by the test set' },
    { name: 'a name that is not a column name', yaml: 'data: {shift: [{kind: mean, amount: 1, name: "a b"}]}\n', path: 'data.shift.0.name', message: 'a name made of letters, digits and "_"' },
    { name: 'relabelling real data', yaml: 'data: {kind: mnist, shift: {kind: scale, amount: 1}}\n', path: 'data.shift.relabel', message: 'relabelling needs the synthetic teacher; mnist data keeps its own labels' },
    { name: 'correlation on uniform inputs', yaml: 'data: {input: {distribution: uniform}, shift: [{kind: correlation, amount: 0.5}]}\n', path: 'data.shift.0.kind', message: 'needs synthetic gaussian inputs; got uniform inputs' },
    { name: 'correlation on csv data', yaml: 'data: {kind: csv, path: d.csv, shift: [{kind: correlation, amount: 0.5}]}\n', path: 'data.shift.0.kind', message: 'got csv data' },
    { name: 'two subpopulations', yaml: 'data: {shift: [{kind: subpopulation}, {kind: subpopulation, name: b}]}\n', path: 'data.shift.1', message: 'only one subpopulation shift' },
    { name: 'subpopulation feature out of range', yaml: 'data: {features: 4, shift: {kind: subpopulation, feature: 4}}\n', path: 'data.shift.feature', message: 'expected a feature index below 4' },
    { name: 'drift to a shift that draws new inputs', yaml: 'data: {drift: {to: {kind: correlation, amount: 0.5}}}\n', path: 'data.drift.to.kind', message: 'expected one of mean, scale, shape, affine, gains, signflip' },
    { name: 'relabelled drift on csv', yaml: 'data: {kind: csv, path: d.csv, drift: {to: {kind: mean, amount: 1}}}\n', path: 'data.drift.to.relabel', message: 'set relabel: false' },
    { name: 'more MNIST per class than digit 5 has', yaml: 'data: {kind: mnist, trainPerClass: 850}\n', path: 'data.trainPerClass', message: 'at most 863 per class' },
    { name: 'batch larger than the MNIST training set', yaml: 'data: {kind: mnist, trainPerClass: 5, testPerClass: 5}\n', path: 'train.batchSize', message: 'expected at most 10 * data.trainPerClass (50); got 64' },
    { name: 'unknown batching', yaml: 'train: {steps: 100, batching: random}\n', path: 'train.batching', message: 'expected one of iid, sorted, clustered' },
    { name: 'a swept shift name clash', yaml: 'sweep: {data.shift: [[{kind: mean, amount: 1, name: train}]]}\n', path: 'sweep.data.shift', message: 'makes data.shift.0.name: "train" is taken by the train set' },
  ];
  it.each(invalid)('rejects $name', ({ yaml, path, message }) => {
    const lines = issuesOf(yaml);
    expect(lines.filter((l) => l.startsWith(`${FILE}: ${path}: `) && l.includes(message))).toHaveLength(1);
    expect(lines.every((l) => l.startsWith(`${FILE}: `))).toBe(true);
  });
});
