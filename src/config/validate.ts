import { modeLabel } from './mode-names.js';
import { dedupe, type ConfigIssue } from '../errors.js';
import { canonicalJson } from '../util/canonical-json.js';
import { dataIssues, trainSizeOf } from './data-rules.js';
import { totalSteps } from './resolve.js';
import { formatValue, fromZodIssues } from './issues.js';
import { applyParams, sweepCombinations, type Params, type Sections } from './resolve.js';
import { DataSchema, ExperimentSchema, ModelSchema, TrainSchema, type ExperimentConfig } from './schema.js';
import { objectKeys, schemaAt } from './schema-walk.js';
import { didYouMean, keyHint } from '../util/suggest.js';
import { claimIssues, levelText } from './claim-rules.js';

// Cross-field rules, run after the schema accepted the file. Run rules are checked on every resolved
// run (the base config with one cell of sweep values applied); a problem caused by a swept value is
// reported on `sweep.<axis>` and names the value. To add a rule, append to RUN_RULES or CONFIG_RULES.

/** A cross-field problem in one resolved run. */
interface RuleIssue {
  /** Where to report it when no swept value is involved. */
  path: string;
  /** Message for the unswept case ("expected ...; got ..."). */
  message: string;
  /** Completes "value X makes ..." when a swept value is involved. */
  effect: string;
  /** Dotted paths whose values the rule read; a sweep axis on (or above/below) one of them is blamed. */
  involves: string[];
}

interface RunRule {
  name: string;
  check: (run: Sections) => RuleIssue[];
}

interface ConfigRule {
  name: string;
  check: (config: ExperimentConfig) => ConfigIssue[];
}

const RUN_RULES: RunRule[] = [
  {
    name: 'exactly one of epochs / steps',
    check: ({ train }) => {
      const set = [train.epochs, train.steps].filter((v) => v !== undefined).length;
      if (set === 1) return [];
      const message = `set exactly one of epochs or steps${set === 2 ? ', not both' : ' (neither is set)'}`;
      const effect = set === 2 ? 'train set both epochs and steps' : 'train set neither epochs nor steps';
      return [{ path: 'train', message, effect, involves: ['train.epochs', 'train.steps'] }];
    },
  },
  {
    name: 'batch fits in the training set',
    check: ({ data, train }) => {
      // csv: the training set's size is known once the file is read (checked when the data is loaded).
      const size = trainSizeOf(data);
      if (size === undefined || train.batchSize <= size) return [];
      const [what, involves] =
        data.kind === 'mnist'
          ? [`10 * data.trainPerClass (${size})`, ['train.batchSize', 'data.trainPerClass']]
          : [`data.trainSize (${size})`, ['train.batchSize', 'data.trainSize']];
      return [
        {
          path: 'train.batchSize',
          message: `expected at most ${what}; got ${train.batchSize}`,
          effect: `train.batchSize > ${what}`,
          involves,
        },
      ];
    },
  },
  {
    name: 'at least one evaluation inside the run',
    check: ({ data, train }) => {
      // Skipped when the duration itself is broken: the rules above report that.
      const size = trainSizeOf(data);
      if ((train.epochs === undefined) === (train.steps === undefined)) return [];
      if (train.epochs !== undefined && (size === undefined || train.batchSize > size)) return [];
      const total = totalSteps(train, size ?? 0);
      if (train.evalEvery <= total) return [];
      return [
        {
          path: 'train.evalEvery',
          message: `expected at most the run's total steps (${total}); got ${train.evalEvery}`,
          effect: `train.evalEvery (${train.evalEvery}) > total steps (${total})`,
          involves: ['train.evalEvery', 'train.epochs', 'train.steps', 'train.batchSize', 'data.trainSize', 'data.trainPerClass'],
        },
      ];
    },
  },
  {
    name: 'data: shift names, relabelling, MNIST split size',
    check: ({ data }) =>
      dataIssues(data).map((i) => ({ ...i, effect: `${i.path}: ${i.message}` })),
  },
  {
    name: 'targets within the metric range',
    check: ({ train }) => {
      const t = train.target;
      const targets =
        t === undefined
          ? []
          : Array.isArray(t)
            ? t.map((x, i) => [`train.target.${i}`, x] as const)
            : [['train.target', t] as const];
      return targets.flatMap(([at, { metric, value }]) => {
        const isAcc = metric.endsWith('_acc');
        if (isAcc ? value >= 0 && value <= 1 : value >= 0) return [];
        const range = isAcc ? 'an accuracy in [0, 1]' : 'a loss >= 0';
        const path = `${at}.value`;
        const message = `expected ${range}; got ${value}`;
        return [{ path, message, effect: `${path} outside ${range}`, involves: [path] }];
      });
    },
  },
  {
    name: 'BN variants need a BN layer',
    check: ({ model }) => {
      if (model.batchNorm !== 'off' || model.inputBatchNorm) return [];
      const used: [string, boolean][] = [
        ['ghostBatchSize', model.ghostBatchSize !== undefined],
        ['batchRenorm', model.batchRenorm !== false],
        ['trainOnly', model.trainOnly === 'bn' || model.trainOnly === 'bn+output'],
        ['bnScale', !model.bnScale],
        ['bnCenter', !model.bnCenter],
      ];
      return used
        .filter(([, on]) => on)
        .map(([key]) => ({
          path: `model.${key}`,
          message: 'needs a BN layer: set model.batchNorm to before or after, or model.inputBatchNorm: true',
          effect: `model.${key} apply to a network without BN`,
          involves: [`model.${key}`, 'model.batchNorm', 'model.inputBatchNorm'],
        }));
    },
  },
  {
    name: 'ghost batches divide the batch',
    check: ({ model, train }) => {
      const g = model.ghostBatchSize;
      if (g === undefined || train.batchSize % g === 0) return [];
      return [
        {
          path: 'model.ghostBatchSize',
          message: `expected a divisor of train.batchSize (${train.batchSize}); got ${g}`,
          effect: `model.ghostBatchSize (${g}) not divide train.batchSize (${train.batchSize})`,
          involves: ['model.ghostBatchSize', 'train.batchSize'],
        },
      ];
    },
  },
  {
    name: 'one normalization variant',
    check: ({ model }) =>
      model.ghostBatchSize !== undefined && model.batchRenorm !== false
        ? [
            {
              path: 'model.batchRenorm',
              message: 'cannot be combined with model.ghostBatchSize; use one or the other',
              effect: 'model.batchRenorm and model.ghostBatchSize both set',
              involves: ['model.batchRenorm', 'model.ghostBatchSize'],
            },
          ]
        : [],
  },
  {
    name: 'something to train',
    check: ({ model }) =>
      model.trainOnly === 'bn' && !model.bnScale && !model.bnCenter
        ? [
            {
              path: 'model.trainOnly',
              message: 'trainOnly: bn with bnScale and bnCenter both off leaves nothing to train',
              effect: 'model.trainOnly: bn leave nothing to train (bnScale and bnCenter off)',
              involves: ['model.trainOnly', 'model.bnScale', 'model.bnCenter'],
            },
          ]
        : [],
  },
];

/** Float32 parameters of a run's MLP: inputs -> depth hidden layers of width -> classes (a csv file's sizes are read later). */
function parameterCount({ data, model }: Sections): number {
  const inputs = data.kind === 'synthetic' ? data.features : data.kind === 'mnist' ? 784 : 0;
  const classes = data.kind === 'synthetic' ? data.classes : 10;
  const w = model.width;
  return (inputs + 1) * w + (model.depth - 1) * (w + 1) * w + (w + 1) * classes + 4 * model.depth * w;
}

RUN_RULES.push({
  name: 'the model fits in memory',
  check: (run) => {
    const bytes = parameterCount(run) * 4 * 4;
    if (bytes <= MAX_MODEL_BYTES) return [];
    const size = `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
    return [
      {
        path: 'model.width',
        message: `a model of depth ${run.model.depth} and width ${run.model.width} needs about ${size} for its parameters (weights, gradients, optimizer state); at most ${MAX_MODEL_BYTES / 1024 ** 3} GiB fit`,
        effect: `a model needing about ${size} for its parameters (at most ${MAX_MODEL_BYTES / 1024 ** 3} GiB fit)`,
        involves: ['model.width', 'model.depth'],
      },
    ];
  },
});

const CONFIG_RULES: ConfigRule[] = [
  {
    name: 'distinct seeds',
    check: ({ seeds }) =>
      Array.isArray(seeds)
        ? seeds.flatMap((s, i) =>
            seeds.indexOf(s) < i ? [{ path: `seeds.${i}`, message: `seed ${s} is listed more than once` }] : [],
          )
        : [],
  },
  {
    name: 'sweep keys are dotted paths into data/model/train',
    check: ({ sweep }) =>
      Object.keys(sweep).flatMap((axis) => {
        const problem = axisProblem(axis, Object.keys(sweep));
        return problem === undefined ? [] : [{ path: `sweep.${axis}`, message: problem }];
      }),
  },
  {
    name: 'distinct sweep values',
    check: ({ sweep }) =>
      Object.entries(sweep).flatMap(([axis, values]) => {
        const keys = values.map(canonicalJson);
        return values.flatMap((v, i) =>
          keys.indexOf(keys[i] as string) < i
            ? [{ path: `sweep.${axis}`, message: `value ${formatValue(v)} is listed more than once` }]
            : [],
        );
      }),
  },
  {
    name: 'distinct inference modes',
    check: (config) => {
      const labels = (config.eval?.modes ?? []).map(modeLabel);
      return labels.flatMap((label, i) =>
        labels.indexOf(label) < i ? [{ path: `eval.modes.${i}`, message: `mode ${label} is listed more than once` }] : [],
      );
    },
  },
  { name: 'report.contrast names swept axes and their levels', check: contrastIssues },
  {
    name: 'claims name swept axes and their levels',
    check: ({ claims, sweep }) =>
      claimIssues(claims ?? [], new Map(Object.entries(sweep).map(([axis, values]) => [axis, values.map(levelText)]))),
  },
  { name: 'every resolved run is valid', check: checkRuns },
];

/** Most runs a plan may hold: its run list is held in memory and written to the manifest. */
export const MAX_RUNS = 1_000_000;
/** Most parameter memory one model may need (weights, gradients, optimizer state: 4 float32 copies). */
export const MAX_MODEL_BYTES = 2 * 1024 ** 3;

/** Runs of a config without expanding it: seeds x the product of the sweep's value counts (may exceed 2^53: an estimate). */
export function countRuns(config: ExperimentConfig): number {
  const seeds = Array.isArray(config.seeds) ? config.seeds.length : config.seeds;
  return Object.values(config.sweep).reduce((n, values) => n * values.length, seeds);
}

const human = (n: number): string => (n >= 1e6 ? n.toExponential(2).replace('e+', 'e') : String(n));

// report.contrast: each part names exactly one swept axis and two distinct levels of it (did-you-mean on both);
// an interaction's `by` axis differs from its `of` axis.
function contrastIssues({ sweep, report }: ExperimentConfig): ConfigIssue[] {
  const contrast = report?.contrast;
  if (contrast === undefined) return [];
  const isInteraction = 'of' in contrast && 'by' in contrast && Object.keys(contrast).length === 2;
  const parts = isInteraction
    ? ([['report.contrast.of', contrast.of], ['report.contrast.by', contrast.by]] as const)
    : ([['report.contrast', contrast]] as const);
  const issues: ConfigIssue[] = [];
  const axesUsed: string[] = [];
  const swept = Object.keys(sweep);
  for (const [at, levels] of parts) {
    const entries = Object.entries(levels as Record<string, readonly unknown[]>);
    if (entries.length !== 1) {
      const got = entries.length === 0 ? 'none' : entries.map(([k]) => k).join(', ');
      issues.push({ path: at, message: `expected exactly one swept axis with two levels, e.g. { model.batchNorm: [off, before] }; got ${got}` });
      continue;
    }
    const [axis, pair] = entries[0]!;
    axesUsed.push(axis);
    if (!swept.includes(axis)) {
      const guess = didYouMean(axis, swept);
      const hint = guess !== undefined ? `; did you mean "${guess}"?` : swept.length > 0 ? ` (swept: ${swept.join(', ')})` : ' (nothing is swept)';
      issues.push({ path: `${at}.${axis}`, message: `expected a swept axis${hint}` });
      continue;
    }
    const values = (sweep[axis] ?? []).map((v) => (typeof v === 'object' && v !== null ? canonicalJson(v) : String(v)));
    for (const level of pair) {
      const text = String(level);
      if (values.includes(text)) continue;
      const guess = didYouMean(text, values);
      const hint = guess !== undefined ? `; did you mean ${guess}?` : ` (levels: ${values.join(', ')})`;
      issues.push({ path: `${at}.${axis}`, message: `${formatValue(level)} is not a level of sweep.${axis}${hint}` });
    }
    if (String(pair[0]) === String(pair[1])) issues.push({ path: `${at}.${axis}`, message: `expected two different levels; got ${formatValue(pair[0])} twice` });
  }
  if (axesUsed.length === 2 && axesUsed[0] === axesUsed[1]) {
    issues.push({ path: 'report.contrast.by', message: `expected an axis other than the "of" axis (${axesUsed[0]})` });
  }
  return issues;
}

/** Cross-field problems of a config the schema accepted; empty when the config is valid. */
export function validateExperiment(config: ExperimentConfig): ConfigIssue[] {
  // Checked first and alone: expanding a 10^9-run plan to check it would take minutes and gigabytes.
  const runs = countRuns(config);
  if (runs > MAX_RUNS) {
    const axes = Object.entries(config.sweep).map(([a, v]) => `${a}: ${v.length}`);
    const seeds = Array.isArray(config.seeds) ? config.seeds.length : config.seeds;
    return [
      {
        path: Object.keys(config.sweep).length > 0 ? 'sweep' : 'seeds',
        message: `the plan has ${human(runs)} runs (${[`seeds: ${seeds}`, ...axes].join(' x ')}); at most ${human(MAX_RUNS)} are allowed. Split it into several experiments.`,
      },
    ];
  }
  return dedupe(CONFIG_RULES.flatMap((rule) => rule.check(config)));
}

const SECTIONS = ['data', 'model', 'train'] as const;

// Why `axis` is not a usable sweep key, or undefined if it is.
function axisProblem(axis: string, axes: readonly string[]): string | undefined {
  const keys = axis.split('.');
  const [first = ''] = keys;
  if (keys.some((k) => k === '')) return 'not a dotted path (empty key)';
  if (first === 'seeds') return 'seeds are not swept; list them under "seeds:" instead';
  if (first === 'name') return 'the experiment name cannot be swept';
  if (!(SECTIONS as readonly string[]).includes(first)) {
    const guess = didYouMean(first, SECTIONS);
    const hint = guess === undefined ? '' : `; did you mean "${[guess, ...keys.slice(1)].join('.')}"?`;
    return `only keys under ${SECTIONS.join(', ')} can be swept${hint}`;
  }
  for (let i = 1; i < keys.length; i++) {
    const parent = keys.slice(0, i).join('.');
    const allowed = objectKeys(schemaAt(ExperimentSchema, keys.slice(0, i)));
    if (allowed === undefined) return `${parent} is not a mapping; sweep "${parent}" itself`;
    const key = keys[i] as string;
    if (!allowed.includes(key)) return `unknown key "${key}" in ${parent}${keyHint(key, allowed, `${parent}.`)}`;
  }
  const outer = axes.find((other) => axis.startsWith(`${other}.`));
  return outer === undefined ? undefined : `overlaps the sweep axis "${outer}"; sweep one or the other`;
}

// Resolve every cell and check it against the section schemas, then RUN_RULES (which need typed
// sections, so a cell that fails the schema is not checked further).
function checkRuns(config: ExperimentConfig): ConfigIssue[] {
  const all = Object.keys(config.sweep);
  const axes = all.filter((axis) => axisProblem(axis, all) === undefined);
  const issues: ConfigIssue[] = [];
  const seen = new Map<string, Params>();
  for (const params of sweepCombinations(config.sweep, axes)) {
    const raw = applyParams(config, params);
    const opts = { reportInput: true };
    const data = DataSchema.safeParse(raw.data, opts);
    const model = ModelSchema.safeParse(raw.model, opts);
    const train = TrainSchema.safeParse(raw.train, opts);
    if (!data.success || !model.success || !train.success) {
      const schemaIssues = [
        ...(data.success ? [] : fromZodIssues(data.error.issues, DataSchema, ['data'], raw.data)),
        ...(model.success ? [] : fromZodIssues(model.error.issues, ModelSchema, ['model'], raw.model)),
        ...(train.success ? [] : fromZodIssues(train.error.issues, TrainSchema, ['train'], raw.train)),
      ];
      for (const i of schemaIssues) {
        issues.push(blame({ ...i, effect: `${i.path} invalid: ${i.message}`, involves: [i.path] }, params, axes, true));
      }
      continue;
    }
    const run = { data: data.data, model: model.data, train: train.data };
    for (const rule of RUN_RULES) issues.push(...rule.check(run).map((i) => blame(i, params, axes, false)));
    const key = canonicalJson(run);
    const twin = seen.get(key);
    if (twin === undefined) seen.set(key, params);
    else if (canonicalJson(twin) !== canonicalJson(params)) {
      const message = `cells ${formatParams(twin)} and ${formatParams(params)} resolve to the same run`;
      issues.push({ path: 'sweep', message });
    }
  }
  return issues;
}

// Report on the swept axis that caused the problem (naming its value), or on the problem's own path
// when no swept value is involved. With `nearest`, fall back to the axes sharing the longest prefix
// (a swept `data.shift.amount` is to blame for a missing `data.shift.kind`).
function blame(issue: RuleIssue, params: Params, axes: readonly string[], nearest: boolean): ConfigIssue {
  let hit = axes.filter((a) => issue.involves.some((p) => a === p || a.startsWith(`${p}.`) || p.startsWith(`${a}.`)));
  if (hit.length === 0 && nearest) {
    const shared = (a: string): number => commonPrefix(a.split('.'), issue.path.split('.'));
    const best = Math.max(0, ...axes.map(shared));
    if (best > 0) hit = axes.filter((a) => shared(a) === best);
  }
  const [first, ...rest] = hit;
  if (first === undefined) return { path: issue.path, message: issue.message };
  const alsoSwept = Object.fromEntries(rest.map((a) => [a, params[a]]));
  const others = rest.length === 0 ? '' : ` (with ${formatParams(alsoSwept)})`;
  return { path: `sweep.${first}`, message: `value ${formatValue(params[first])}${others} makes ${issue.effect}` };
}

function commonPrefix(a: readonly string[], b: readonly string[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

function formatParams(params: Params): string {
  return Object.entries(params)
    .map(([axis, v]) => `${axis}=${formatValue(v)}`)
    .join(', ');
}

